using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real pk binary: a Global administrator lists and revokes sessions, disables a user (their
/// 'pk login' stops working at once), enables them and sets their password (ADR 0017).
/// </summary>
public sealed class UserAdminEndToEndTests(DemoServerFixture server) : IClassFixture<DemoServerFixture>
{
    private const string Password = "demo-password";

    [Fact]
    public async Task A_global_administrator_disables_a_user_revokes_sessions_and_sets_a_password()
    {
        var reader = Profile("billing-reader");
        Assert.Equal(0, (await Pk.RunAsync(reader, "login", "--service", server.Url, "--user", "billing-reader", "--password", Password)).ExitCode);

        var sessions = await AdminAsync("sessions", "list", "--user", "billing-reader", "--json");
        Assert.True(sessions.ExitCode == 0, sessions.ToString());
        var login = sessions.Json.EnumerateArray().Single(s => s.GetProperty("label").GetString() == "session");
        Assert.True(login.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UnixEpoch);

        var revoked = await AdminAsync("sessions", "revoke", login.GetProperty("id").GetString()!);
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        var refused = await Pk.RunAsync(reader, "accounts", "list", "--json");
        Assert.True(refused.ExitCode == ErrorCatalogue.Unauthenticated.ExitCode, refused.ToString());

        Assert.Equal(0, (await Pk.RunAsync(reader, "login", "--service", server.Url, "--user", "billing-reader", "--password", Password)).ExitCode);
        var disabled = await AdminAsync("users", "disable", "billing-reader", "--json");
        Assert.True(disabled.ExitCode == 0, disabled.ToString());
        Assert.True(disabled.Json.GetProperty("disabled").GetBoolean());
        Assert.True((await Pk.RunAsync(reader, "accounts", "list")).ExitCode == ErrorCatalogue.Unauthenticated.ExitCode);
        var blocked = await Pk.RunAsync(reader, "login", "--service", server.Url, "--user", "billing-reader", "--password", Password);
        Assert.Equal(ErrorCatalogue.Unauthenticated.ExitCode, blocked.ExitCode);
        Assert.Contains("disabled", blocked.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, (await AdminAsync("users", "enable", "billing-reader")).ExitCode);
        var set = await AdminAsync("users", "set-password", "billing-reader", "--password", "another demo password");
        Assert.True(set.ExitCode == 0, set.ToString());
        // It says what it did, not "enabled" as if 'pk users enable' had run.
        Assert.Contains("User billing-reader: password set; 0 other session(s) revoked.", set.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await Pk.RunAsync(reader, "login", "--service", server.Url, "--user", "billing-reader", "--password", "another demo password")).ExitCode);

        var self = await AdminAsync("users", "disable", "global-admin", "--json");
        Assert.Equal(ErrorCatalogue.Conflict.ExitCode, self.ExitCode);
    }

    private Task<Pk.Result> AdminAsync(params string[] args) =>
        Pk.RunAsync(Profile("global-admin"), [.. args, "--service", server.Url, "--token", server.Token("global-admin")]);

    private Dictionary<string, string> Profile(string user) => new()
    {
        ["PK_CREDENTIALS"] = Path.Combine(server.DataDirectory, $"credentials-{user}-{Guid.NewGuid():N}.json"),
        ["PK_TOKEN"] = "",
    };
}
