using System.CommandLine;
using ProductKeys.AdminApi;
using ProductKeys.AdminApi.Accounts;

namespace ProductKeys.Cli.Admin;

/// <summary>
/// <c>pk users disable|enable|set-password NAME</c> and <c>pk sessions list|revoke</c>: a user's
/// lifecycle, for Global administrators (their organization) and publisher staff (docs/adr/0017).
/// </summary>
internal static class UserAdminCommands
{
    public static void AddTo(RootCommand root)
    {
        // 'pk users' is created with 'pk users create' (OrganizationCommands).
        var users = root.Subcommands.Single(c => c.Name == "users");
        users.Subcommands.Add(Change("disable", "Disable a user: they cannot sign in and every session of theirs ends at once.", "disable"));
        users.Subcommands.Add(Change("enable", "Let a disabled user sign in again.", "enable"));
        users.Subcommands.Add(SetPassword());

        var sessions = AdminOptions.Group("sessions", "Sign-in sessions (bearer tokens): yours, your organization's (Global administrators) or all (publisher staff).");
        var user = new Option<string?>("--user") { Description = "Only this user's sessions." };
        var list = new Command("list", "List sessions with their expiry.") { user };
        AdminAction.Set(list, async (parseResult, client, ct) =>
        {
            var path = parseResult.GetValue(user) is { } name ? $"api/v1/sessions?user={Uri.EscapeDataString(name)}" : "api/v1/sessions";
            return AdminAction.Print(parseResult, await client.GetAsync(path, AdminApiJsonContext.Default.ListSessionInfo, ct), sessions =>
                string.Join('\n', sessions.Select(s =>
                    $"{s.Id}  {s.User,-24} {s.Label,-9} expires {s.ExpiresAt:yyyy-MM-dd HH:mm} UTC{(s.Current ? "  (this session)" : "")}")));
        });
        var id = new Argument<Guid>("id") { Description = "Session id ('pk sessions list')." };
        var revoke = new Command("revoke", "End a session at once, on every node.") { id };
        AdminAction.Set(revoke, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.DeleteAsync($"api/v1/sessions/{parseResult.GetValue(id)}", ct), _ => "Session revoked."));
        sessions.Subcommands.Add(list);
        sessions.Subcommands.Add(revoke);
        root.Subcommands.Add(sessions);
    }

    private static Command Change(string name, string description, string action)
    {
        var user = new Argument<string>("name") { Description = "The user's sign-in name." };
        var command = new Command(name, description) { user };
        AdminAction.Set(command, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.PostAsync($"api/v1/users/{Uri.EscapeDataString(parseResult.GetValue(user)!)}/{action}",
                AdminApiJsonContext.Default.UserStatusResponse, ct),
                Describe));
        return command;
    }

    private static Command SetPassword()
    {
        var user = new Argument<string>("name") { Description = "The user's sign-in name." };
        var password = new Option<string?>("--password") { Description = "The new password (at least 8 characters); default: $PK_NEW_PASSWORD." };
        var command = new Command("set-password", "Set a user's password; their other sessions end.") { user, password };
        AdminAction.Set(command, async (parseResult, client, ct) =>
        {
            var body = new PasswordRequest(parseResult.GetValue(password) ?? Environment.GetEnvironmentVariable("PK_NEW_PASSWORD"));
            return AdminAction.Print(parseResult, await client.PostAsync($"api/v1/users/{Uri.EscapeDataString(parseResult.GetValue(user)!)}/password", body,
                AdminApiJsonContext.Default.PasswordRequest, AdminApiJsonContext.Default.UserStatusResponse, ct), DescribePasswordSet);
        }, parseResult => OrganizationCommands.PasswordCheck(parseResult.GetValue(password) ?? Environment.GetEnvironmentVariable("PK_NEW_PASSWORD")));
        return command;
    }

    private static string Describe(UserStatusResponse user) =>
        $"User {user.Name}: {(user.Disabled ? "disabled" : "enabled")}; {user.SessionsRevoked} session(s) revoked.";

    /// <summary>What set-password did; a disabled user stays disabled, which the new password alone does not change.</summary>
    private static string DescribePasswordSet(UserStatusResponse user) =>
        $"User {user.Name}: password set; {user.SessionsRevoked} other session(s) revoked."
        + (user.Disabled ? $" The user is still disabled: 'pk users enable {user.Name}' lets them sign in." : "");
}
