using System.CommandLine;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk accounts list|create</c>: billing accounts.</summary>
internal static class AccountCommands
{
    public static void AddTo(RootCommand root)
    {
        var list = new Command("list", "List the billing accounts you hold a role on (publisher staff: all).");
        AdminAction.Set(list, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.GetAsync("api/v1/billing-accounts", ct), node =>
                string.Join('\n', (node?.AsArray() ?? []).Select(a => $"{a.Text("id")}  {a.Text("name")}  role: {(a.Text("role") is { Length: > 0 } r ? r : "-")}"))));
        var name = new Option<string>("--name") { Description = "The billing account's (agreement's) name.", Required = true };
        var owner = new Option<string>("--owner") { Description = "A user of the organization who becomes its first Owner.", Required = true };
        var create = new Command("create", "Create a billing account for an organization (publisher staff).") { OrganizationCommands.Org, name, owner };
        AdminAction.Set(create, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.PostAsync($"api/v1/organizations/{parseResult.GetValue(OrganizationCommands.Org)}/billing-accounts",
                new { name = parseResult.GetValue(name), owner = parseResult.GetValue(owner) }, ct),
                node => $"Billing account {node.Text("id")} ({node.Text("name")}) created."));
        var accounts = AdminOptions.Group("accounts", "Billing accounts.");
        accounts.Subcommands.Add(list);
        accounts.Subcommands.Add(create);
        root.Subcommands.Add(accounts);
    }
}
