using System.CommandLine;
using ProductKeys.AdminApi;
using ProductKeys.AdminApi.Accounts;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk accounts list|create</c>: billing accounts.</summary>
internal static class AccountCommands
{
    public static void AddTo(RootCommand root)
    {
        var list = new Command("list", "List the billing accounts you hold a role on (publisher staff: all).");
        AdminAction.Set(list, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.GetAsync("api/v1/billing-accounts", AdminApiJsonContext.Default.ListBillingAccountResponse, ct), accounts =>
                string.Join('\n', accounts.Select(a => $"{a.Id}  {a.Name}  role: {a.Role ?? "-"}"))));
        var name = new Option<string>("--name") { Description = "The billing account's (agreement's) name.", Required = true };
        var owner = new Option<string>("--owner") { Description = "A user of the organization who becomes its first Owner.", Required = true };
        var create = new Command("create", "Create a billing account for an organization (publisher staff).") { OrganizationCommands.Org, name, owner };
        AdminAction.Set(create, async (parseResult, client, ct) =>
        {
            var org = AdminOptions.Id(parseResult, OrganizationCommands.Org, "pk orgs list");
            return !org.IsSuccess
                ? Output.CommandOutput.Refuse(parseResult, org.Refusal)
                : AdminAction.Print(parseResult, await client.PostAsync($"api/v1/organizations/{org.Value}/billing-accounts",
                    new AccountRequest(parseResult.GetValue(name), parseResult.GetValue(owner)),
                    AdminApiJsonContext.Default.AccountRequest, AdminApiJsonContext.Default.BillingAccountResponse, ct),
                    a => $"Billing account {a.Id} ({a.Name}) created.");
        }, parseResult => OptionCheck.First(
            OrganizationCommands.DisplayNameCheck(parseResult, name),
            OptionCheck.NotBlank(parseResult, owner, "the sign-in name of a user of the organization")));
        var accounts = AdminOptions.Group("accounts", "Billing accounts.");
        accounts.Subcommands.Add(list);
        accounts.Subcommands.Add(create);
        root.Subcommands.Add(accounts);
    }
}
