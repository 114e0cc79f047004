using System.CommandLine;
using ProductKeys.AdminApi;
using ProductKeys.AdminApi.Accounts;
using ProductKeys.Cli.Output;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk orgs list|create</c> and <c>pk users create</c>: onboarding customers.</summary>
internal static class OrganizationCommands
{
    /// <summary>Text, checked by <see cref="AdminOptions.Id"/>: a malformed id is VALIDATION_FAILED naming --org.</summary>
    public static readonly Option<string?> Org = new("--org") { Description = "Organization id ('pk orgs list').", Required = true };

    private static readonly string[] DirectoryRoles = ["User", "BillingAdministrator", "GlobalAdministrator"];

    public static void AddTo(RootCommand root)
    {
        var name = new Option<string>("--name") { Description = "Name.", Required = true };
        var list = new Command("list", "List organizations (publisher staff: all; others: their own).");
        AdminAction.Set(list, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.GetAsync("api/v1/organizations", AdminApiJsonContext.Default.ListOrganizationResponse, ct), orgs =>
                string.Join('\n', orgs.Select(o => $"{o.Id}  {o.Name}"))));
        var create = new Command("create", "Create a customer organization (publisher staff).") { name };
        AdminAction.Set(create, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.PostAsync("api/v1/organizations", new OrganizationRequest(parseResult.GetValue(name)),
                AdminApiJsonContext.Default.OrganizationRequest, AdminApiJsonContext.Default.OrganizationResponse, ct),
                o => $"Organization {o.Id} ({o.Name}) created."),
            parseResult => DisplayNameCheck(parseResult, name));
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
            var org = AdminOptions.Id(parseResult, Org, "pk orgs list");
            if (!org.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, org.Refusal);
            }

            var body = new UserRequest(
                parseResult.GetValue(userName),
                parseResult.GetValue(password) ?? Environment.GetEnvironmentVariable("PK_NEW_PASSWORD"),
                parseResult.GetValue(role)?.Trim());
            return AdminAction.Print(parseResult, await client.PostAsync($"api/v1/organizations/{org.Value}/users", body,
                AdminApiJsonContext.Default.UserRequest, AdminApiJsonContext.Default.UserResponse, ct),
                u => $"User {u.Name} ({u.DirectoryRole}) created.");
        }, parseResult => OptionCheck.First(
            OptionCheck.Rule(UserNameRule.IsValid(parseResult.GetValue(userName)),
                $"--name must be 1 to 100 letters, digits and . _ - @; it was '{parseResult.GetValue(userName)}'."),
            OptionCheck.OneOf(parseResult, role, DirectoryRoles),
            PasswordCheck(parseResult.GetValue(password) ?? Environment.GetEnvironmentVariable("PK_NEW_PASSWORD"))));
        var users = AdminOptions.Group("users", "Users of customer organizations.");
        users.Subcommands.Add(add);
        root.Subcommands.Add(users);
    }

    /// <summary>The password the service would take: --password, else $PK_NEW_PASSWORD (never printed).</summary>
    public static Core.Errors.Refusal? PasswordCheck(string? password) => OptionCheck.Rule(
        password is { Length: >= UserNameRule.MinPasswordLength and <= UserNameRule.MaxPasswordLength },
        password is null
            ? "--password is missing: give it, or set $PK_NEW_PASSWORD."
            : $"--password must have {UserNameRule.MinPasswordLength} to {UserNameRule.MaxPasswordLength} characters; it has {password.Length}.");

    /// <summary>A name shown in lists (organizations, billing accounts): 1 to 200 characters.</summary>
    public static Core.Errors.Refusal? DisplayNameCheck(ParseResult parseResult, Option<string> name) =>
        OptionCheck.Rule(parseResult.GetValue(name)?.Trim().Length is >= 1 and <= 200, $"{name.Name} must have 1 to 200 characters.");
}
