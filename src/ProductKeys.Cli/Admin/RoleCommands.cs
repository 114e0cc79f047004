using System.CommandLine;
using ProductKeys.AdminApi;
using ProductKeys.AdminApi.Accounts;
using ProductKeys.Cli.Output;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk roles list|grant|revoke</c>: billing account roles (only owners change them).</summary>
internal static class RoleCommands
{
    public static void AddTo(RootCommand root)
    {
        var user = new Option<string>("--user") { Description = "The user's name.", Required = true };
        var role = new Option<string>("--role") { Description = "Owner, Contributor or Reader.", Required = true };

        var list = new Command("list", "List who holds which role on a billing account.") { AdminOptions.Account };
        AdminAction.Set(list, async (parseResult, client, ct) =>
        {
            var account = await AdminAction.AccountAsync(parseResult, client, ct);
            return !account.IsSuccess
                ? CommandOutput.Refuse(parseResult, account.Refusal)
                : AdminAction.Print(parseResult, await client.GetAsync($"api/v1/billing-accounts/{account.Value}/roles", AdminApiJsonContext.Default.ListRoleResponse, ct),
                    roles => string.Join('\n', roles.Select(r => $"{r.User,-24} {r.Role}")));
        });

        var grant = new Command("grant", "Grant a role on a billing account (owners only).") { AdminOptions.Account, user, role };
        AdminAction.Set(grant, async (parseResult, client, ct) =>
        {
            var account = await AdminAction.AccountAsync(parseResult, client, ct);
            return !account.IsSuccess
                ? CommandOutput.Refuse(parseResult, account.Refusal)
                : AdminAction.Print(parseResult, await client.PostAsync($"api/v1/billing-accounts/{account.Value}/roles",
                    new RoleRequest(parseResult.GetValue(user), parseResult.GetValue(role)?.Trim()),
                    AdminApiJsonContext.Default.RoleRequest, AdminApiJsonContext.Default.RoleResponse, ct),
                    r => $"{r.User} is now {r.Role} of {account.Value}.");
        }, parseResult => OptionCheck.First(
            OptionCheck.NotBlank(parseResult, user, "a user's sign-in name"),
            OptionCheck.OneOf(parseResult, role, ["Owner", "Contributor", "Reader"])));

        var revoke = new Command("revoke", "Remove a user's role on a billing account (owners only; the last owner stays).") { AdminOptions.Account, user };
        AdminAction.Set(revoke, async (parseResult, client, ct) =>
        {
            var account = await AdminAction.AccountAsync(parseResult, client, ct);
            var name = parseResult.GetValue(user)!;
            if (!account.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, account.Refusal);
            }

            var revoked = await client.DeleteAsync($"api/v1/billing-accounts/{account.Value}/roles/{Uri.EscapeDataString(name)}", ct);
            return revoked.IsSuccess
                ? CommandOutput.Print(parseResult, new RoleRevoked(name, account.Value), r => $"{r.User} no longer holds a role on {r.BillingAccount}.")
                : CommandOutput.Refuse(parseResult, revoked.Refusal);
        });

        var roles = AdminOptions.Group("roles", "Billing account roles: Owner, Contributor, Reader.");
        roles.Subcommands.Add(list);
        roles.Subcommands.Add(grant);
        roles.Subcommands.Add(revoke);
        root.Subcommands.Add(roles);
    }

    private sealed record RoleRevoked(string User, Guid BillingAccount);
}
