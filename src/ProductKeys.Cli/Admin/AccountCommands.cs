using System.CommandLine;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk accounts list</c>: the billing accounts you hold a role on.</summary>
internal static class AccountCommands
{
    public static void AddTo(RootCommand root)
    {
        var list = new Command("list", "List the billing accounts you hold a role on (publisher staff: all).");
        AdminAction.Set(list, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.GetAsync("api/v1/billing-accounts", ct), node =>
                string.Join('\n', (node?.AsArray() ?? []).Select(a => $"{a.Text("id")}  {a.Text("name")}  role: {(a.Text("role") is { Length: > 0 } r ? r : "-")}"))));
        var accounts = AdminOptions.Group("accounts", "Billing accounts.");
        accounts.Subcommands.Add(list);
        root.Subcommands.Add(accounts);
    }
}
