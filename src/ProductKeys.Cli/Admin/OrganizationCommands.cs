using System.CommandLine;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk orgs list|create</c> and <c>pk users create</c>: onboarding customers.</summary>
internal static class OrganizationCommands
{
    public static readonly Option<Guid> Org = new("--org") { Description = "Organization id ('pk orgs list').", Required = true };

    public static void AddTo(RootCommand root)
    {
        var name = new Option<string>("--name") { Description = "Name.", Required = true };
        var list = new Command("list", "List organizations (publisher staff: all; others: their own).");
        AdminAction.Set(list, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.GetAsync("api/v1/organizations", ct), node =>
                string.Join('\n', (node?.AsArray() ?? []).Select(o => $"{o.Text("id")}  {o.Text("name")}"))));
        var create = new Command("create", "Create a customer organization (publisher staff).") { name };
        AdminAction.Set(create, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.PostAsync("api/v1/organizations", new { name = parseResult.GetValue(name) }, ct),
                node => $"Organization {node.Text("id")} ({node.Text("name")}) created."));
        var orgs = AdminOptions.Group("orgs", "Customer organizations.");
        orgs.Subcommands.Add(list);
        orgs.Subcommands.Add(create);
        root.Subcommands.Add(orgs);

        var userName = new Option<string>("--name") { Description = "Sign-in name (letters, digits, . _ - @).", Required = true };
        var role = new Option<string>("--role") { Description = "User, BillingAdministrator or GlobalAdministrator.", Required = true };
        var password = new Option<string?>("--password") { Description = "Initial password (at least 8 characters); default: $PK_NEW_PASSWORD." };
        var add = new Command("create", "Add a user to an organization (publisher staff, or the organization's Global administrators).") { Org, userName, role, password };
        AdminAction.Set(add, async (parseResult, client, ct) =>
        {
            var body = new
            {
                name = parseResult.GetValue(userName),
                password = parseResult.GetValue(password) ?? Environment.GetEnvironmentVariable("PK_NEW_PASSWORD"),
                directoryRole = parseResult.GetValue(role),
            };
            return AdminAction.Print(parseResult, await client.PostAsync($"api/v1/organizations/{parseResult.GetValue(Org)}/users", body, ct),
                node => $"User {node.Text("name")} ({node.Text("directoryRole")}) created.");
        });
        var users = AdminOptions.Group("users", "Users of customer organizations.");
        users.Subcommands.Add(add);
        root.Subcommands.Add(users);
    }
}
