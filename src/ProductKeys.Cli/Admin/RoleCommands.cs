using System.CommandLine;

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
                ? Output.CommandOutput.Refuse(parseResult, account.Refusal)
                : AdminAction.Print(parseResult, await client.GetAsync($"api/v1/billing-accounts/{account.Value}/roles", ct), node =>
                    string.Join('\n', (node?.AsArray() ?? []).Select(r => $"{r.Text("user"),-24} {r.Text("role")}")));
        });

        var grant = new Command("grant", "Grant a role on a billing account (owners only).") { AdminOptions.Account, user, role };
        AdminAction.Set(grant, async (parseResult, client, ct) =>
        {
            var account = await AdminAction.AccountAsync(parseResult, client, ct);
            return !account.IsSuccess
                ? Output.CommandOutput.Refuse(parseResult, account.Refusal)
                : AdminAction.Print(parseResult, await client.PostAsync($"api/v1/billing-accounts/{account.Value}/roles",
                    new { user = parseResult.GetValue(user), role = parseResult.GetValue(role) }, ct),
                    node => $"{node.Text("user")} is now {node.Text("role")} of {account.Value}.");
        });

        var revoke = new Command("revoke", "Remove a user's role on a billing account (owners only; the last owner stays).") { AdminOptions.Account, user };
        AdminAction.Set(revoke, async (parseResult, client, ct) =>
        {
            var account = await AdminAction.AccountAsync(parseResult, client, ct);
            var name = parseResult.GetValue(user)!;
            return !account.IsSuccess
                ? Output.CommandOutput.Refuse(parseResult, account.Refusal)
                : AdminAction.Print(parseResult, await client.DeleteAsync($"api/v1/billing-accounts/{account.Value}/roles/{Uri.EscapeDataString(name)}", ct),
                    _ => $"{name} no longer holds a role on {account.Value}.");
        });

        var roles = AdminOptions.Group("roles", "Billing account roles: Owner, Contributor, Reader.");
        roles.Subcommands.Add(list);
        roles.Subcommands.Add(grant);
        roles.Subcommands.Add(revoke);
        root.Subcommands.Add(roles);
    }
}
