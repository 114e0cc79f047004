using System.Text.Json;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>The real pk binary against a real 'pk server --demo': sign in as each demo user, list and export keys.</summary>
public sealed class DemoEndToEndTests(DemoServerFixture server) : IClassFixture<DemoServerFixture>
{
    private const string Password = "demo-password";

    [Theory]
    [InlineData("global-admin", null)]
    [InlineData("billing-contributor", null)]
    [InlineData("billing-reader", "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR")]
    [InlineData("billing-no-role", "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR")]
    [InlineData("user-owner", "FORBIDDEN_NOT_BILLING_ADMIN")]
    [InlineData("publisher-admin", "FORBIDDEN_NOT_BILLING_ADMIN")]
    public async Task Each_demo_user_signs_in_and_gets_the_keys_or_the_refusal_the_key_rule_says(string user, string? refusal)
    {
        var profile = Profile();
        var login = await Pk.RunAsync(profile, "login", "--service", server.Url, "--user", user, "--password", Password, "--json");
        Assert.True(login.ExitCode == 0, login.Stderr);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(profile["PK_CREDENTIALS"]));
        }

        var list = await Pk.RunAsync(profile, "keys", "list", "--account", server.AccountId, "--json");
        using var json = JsonDocument.Parse(list.Stdout);
        if (refusal is null)
        {
            Assert.True(list.ExitCode == 0, list.Stderr);
            var keys = json.RootElement.GetProperty("keys").EnumerateArray().ToList();
            Assert.NotEmpty(keys);
            Assert.All(keys, k => Assert.True(ProductKey.Parse(k.GetProperty("key").GetString()).IsSuccess));
            Assert.Contains(keys, k => k.GetProperty("type").GetString() == "KmsHost");
            var count = await Pk.RunAsync(profile, "mak", "count", keys[0].GetProperty("key").GetString()!, "--json");
            Assert.True(count.ExitCode == 0, count.Stderr);
            Assert.Equal(0, JsonDocument.Parse(count.Stdout).RootElement.GetProperty("activationsUsed").GetInt32());
        }
        else
        {
            Assert.Equal(ErrorCatalogue.Find(refusal)!.ExitCode, list.ExitCode);
            Assert.Equal(refusal, json.RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.Contains(refusal, list.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Keys_export_writes_a_CSV_file()
    {
        var profile = Profile();
        Assert.Equal(0, (await Pk.RunAsync(profile, "login", "--service", server.Url, "--user", "billing-contributor", "--password", Password)).ExitCode);
        var file = Path.Combine(server.DataDirectory, $"export-{Guid.NewGuid():N}.csv");

        var export = await Pk.RunAsync(profile, "keys", "export", "--account", server.AccountId, "--format", "csv", "--output", file, "--json");

        Assert.True(export.ExitCode == 0, export.Stderr);
        var lines = (await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken)).ToList();
        Assert.StartsWith("id,key,type", lines[0], StringComparison.Ordinal);
        Assert.True(lines.Count > 1);
        using var summary = JsonDocument.Parse(export.Stdout);
        Assert.Equal(lines.Count - 1, summary.RootElement.GetProperty("keys").GetInt32()); // the header is not a key

        Assert.Equal(0, (await Pk.RunAsync(profile, "logout")).ExitCode);
        Assert.Equal(ErrorCatalogue.Unauthenticated.ExitCode, (await Pk.RunAsync(profile, "keys", "list", "--account", server.AccountId)).ExitCode);
    }

    [Fact]
    public async Task Login_without_service_signs_in_to_the_service_remembered_by_the_last_login()
    {
        var profile = Profile();
        var first = await Pk.RunAsync(profile, "login", "--service", server.Url, "--user", "billing-contributor", "--password", Password, "--json");
        Assert.True(first.ExitCode == 0, first.ToString());

        var again = await Pk.RunAsync(profile, "login", "--user", "billing-reader", "--password", Password, "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(first.Json.GetProperty("service").GetString(), again.Json.GetProperty("service").GetString());
        Assert.Equal("billing-reader", again.Json.GetProperty("user").GetString());

        var never = await Pk.RunAsync(Profile(), "login", "--user", "billing-reader", "--password", Password, "--json");
        Assert.Equal(ErrorCatalogue.ValidationFailed.Code, never.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("--service", never.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_exits_with_UNAUTHENTICATED()
    {
        var login = await Pk.RunAsync(Profile(), "login", "--service", server.Url, "--user", "global-admin", "--password", "not-it");
        Assert.Equal(ErrorCatalogue.Unauthenticated.ExitCode, login.ExitCode);
        Assert.Contains("UNAUTHENTICATED", login.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_commands_take_token_and_service_without_login()
    {
        var token = server.Token("publisher-admin");
        var verify = await Pk.RunAsync(Profile(), "audit", "verify", "--service", server.Url, "--token", token, "--json");
        Assert.True(verify.ExitCode == 0, verify.Stderr + verify.Stdout);
        var metadata = await Pk.RunAsync(Profile(), "keys", "list", "--metadata", "--account", server.AccountId, "--service", server.Url, "--token", token, "--json");
        Assert.True(metadata.ExitCode == 0, metadata.Stderr);
        using (var keys = JsonDocument.Parse(metadata.Stdout))
        {
            Assert.All(keys.RootElement.EnumerateArray(), k => Assert.False(k.TryGetProperty("key", out _)));
        }

        var accounts = await Pk.RunAsync(Profile(), "accounts", "list", "--service", server.Url, "--token", server.Token("global-admin"), "--json");
        Assert.Contains(server.AccountId, accounts.Stdout, StringComparison.Ordinal);
        var order = await Pk.RunAsync(Profile(), "orders", "create", "--product", "contoso-desktop", "--quantity", "0", "--service", server.Url, "--token", server.Token("global-admin"));
        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, order.ExitCode);
        var unreachable = await Pk.RunAsync(Profile(), "accounts", "list", "--service", $"http://127.0.0.1:{DemoServerFixture.FreePort()}", "--token", "pk_x");
        Assert.Equal(ErrorCatalogue.ServiceUnreachable.ExitCode, unreachable.ExitCode);
    }

    [Fact]
    public async Task A_bootstrapped_publisher_admin_onboards_a_customer()
    {
        var admin = await Pk.RunAsync(Profile(), "db", "create-admin", "--data", server.DataDirectory, "--user", "ops", "--password", "bootstrap-password", "--json");
        Assert.True(admin.ExitCode == 0, admin.Stderr);
        using var created = JsonDocument.Parse(admin.Stdout);
        string[] auth = ["--service", server.Url, "--token", created.RootElement.GetProperty("token").GetString()!, "--json"];

        var org = await Pk.RunAsync(Profile(), ["orgs", "create", "--name", "Northwind", .. auth]);
        Assert.True(org.ExitCode == 0, org.Stderr);
        var orgId = JsonDocument.Parse(org.Stdout).RootElement.GetProperty("id").GetString()!;
        var user = await Pk.RunAsync(Profile(), ["users", "create", "--org", orgId, "--name", "nw-admin", "--role", "GlobalAdministrator", "--password", "northwind-password", .. auth]);
        Assert.True(user.ExitCode == 0, user.Stderr);
        var account = await Pk.RunAsync(Profile(), ["accounts", "create", "--org", orgId, "--name", "Northwind EA", "--owner", "nw-admin", .. auth]);
        Assert.True(account.ExitCode == 0, account.Stderr);
        var products = await Pk.RunAsync(Profile(), ["products", "list", .. auth]);
        Assert.Contains("contoso-desktop", products.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pk_db_migrate_prepares_a_new_SQLite_folder_once()
    {
        var data = Path.Combine(server.DataDirectory, $"migrate-{Guid.NewGuid():N}");
        var first = await Pk.RunAsync((IReadOnlyDictionary<string, string>?)null, "db", "migrate", "--data", data, "--json");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("Initial", first.Stdout, StringComparison.Ordinal);
        var second = await Pk.RunAsync((IReadOnlyDictionary<string, string>?)null, "db", "migrate", "--data", data);
        Assert.Contains("up to date", second.Stdout, StringComparison.Ordinal);
    }

    private Dictionary<string, string> Profile() => new()
    {
        ["PK_CREDENTIALS"] = Path.Combine(server.DataDirectory, $"credentials-{Guid.NewGuid():N}.json"),
        ["PK_TOKEN"] = "",
    };
}
