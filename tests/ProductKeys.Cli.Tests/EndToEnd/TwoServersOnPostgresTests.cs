using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Errors;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// Two real 'pk server' processes on one PostgreSQL (the throwaway one ./test.sh starts), sharing
/// the publisher secrets: 200 devices at once against a MAK whose limit is 37 get exactly 37
/// activations between them; a third node without those secrets refuses to start (SECRETS_MISMATCH).
/// </summary>
public sealed class TwoServersOnPostgresTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-two-nodes-").FullName;

    [Fact]
    public async Task Two_hundred_devices_across_two_server_processes_activate_exactly_37()
    {
        var admin = AdminConnectionString();

        // EF Core's migration creates the database.
        var database = $"{admin};Database=pk_two_nodes_{Guid.NewGuid():N}".Replace(";Database=postgres", "", StringComparison.Ordinal);
        var first = Path.Combine(_folder, "first");
        JsonElement demo = default;
        await using var nodeA = await PkServerProcess.StartAsync(PkServerProcess.DemoWritten(first, read => demo = read), "--demo", "--data", first, "--db", database);
        await using var nodeB = await PkServerProcess.StartAsync(null, "--data", Path.Combine(_folder, "second"), "--db", database, "--secrets", Path.Combine(first, "secrets"));

        using var a = new HttpClient { BaseAddress = new Uri(nodeA.Url) };
        using var b = new HttpClient { BaseAddress = new Uri(nodeB.Url) };
        var key = await OrderMakAsync(b, demo, quantity: 29); // limit max(ceil(36.25), 34) = 37, ordered through the second node

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            var hardwareId = HardwareId.FromDeviceId($"node-device-{i}", "contoso-desktop").Value.ToString();
            using var response = await (i % 2 == 0 ? a : b).PostAsJsonAsync("/api/v1/activations", new { key, product = "contoso-desktop", hardwareId }, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode ? "OK" : JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
        }));

        // Every answer is one of the two: any other code (an error, a retry) is a failure, shown by name.
        var tally = string.Join(", ", answers.GroupBy(c => c).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
        Assert.Equal("MAK_LIMIT_REACHED 163, OK 37", tally);
        var count = await Pk.RunAsync("mak", "count", key, "--service", nodeA.Url, "--token", Token(demo, "global-admin"), "--json");
        Assert.True(count.ExitCode == 0, count.ToString());
        Assert.Equal(37, count.Json.GetProperty("activationsUsed").GetInt32());

        // A third node started without the first node's secrets refuses to start instead of generating new ones.
        var third = await Pk.RunAsync("server", "--data", Path.Combine(_folder, "third"), "--db", database, "--urls", $"http://127.0.0.1:{PkServerProcess.FreePort()}");
        Assert.True(third.ExitCode == ErrorCatalogue.SecretsMismatch.ExitCode, third.ToString());
        Assert.Contains("SECRETS_MISMATCH", third.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "third", "secrets", "key-groups.key")));
    }

    [Fact]
    public async Task A_first_migrate_by_a_role_that_may_not_create_its_database_says_what_to_create_instead_of_INTERNAL_ERROR()
    {
        var admin = AdminConnectionString();

        var port = int.Parse(admin.Split(';').Single(p => p.StartsWith("Port=", StringComparison.Ordinal))["Port=".Length..], CultureInfo.InvariantCulture);
        var binaries = PrivatePostgres.FindBinaries() ?? throw new InvalidOperationException("psql is not installed.");
        var role = $"pk_limited_{Guid.NewGuid():N}";
        await PrivatePostgres.QueryAsync(binaries, port, "postgres", $"CREATE ROLE {role} LOGIN PASSWORD 'limited' NOCREATEDB");
        try
        {
            var database = $"pk_denied_{Guid.NewGuid():N}";
            var migrate = await Pk.RunAsync("db", "migrate", "--db", $"Host=127.0.0.1;Port={port};Username={role};Password=limited;Database={database}");
            Assert.True(migrate.ExitCode == ErrorCatalogue.DatabaseUnreachable.ExitCode, migrate.ToString());
            Assert.Contains("CREATE DATABASE productkeys OWNER pk", migrate.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("INTERNAL_ERROR", migrate.Stderr, StringComparison.Ordinal);
            Assert.Empty(await PrivatePostgres.QueryAsync(binaries, port, "postgres", $"SELECT 1 FROM pg_database WHERE datname = '{database}'"));
        }
        finally
        {
            await PrivatePostgres.QueryAsync(binaries, port, "postgres", $"DROP ROLE {role}");
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The test PostgreSQL's superuser connection string; the test is skipped under PK_SKIP_POSTGRES=1, and fails without either.</summary>
    private static string AdminConnectionString()
    {
        var admin = Environment.GetEnvironmentVariable("PK_TEST_POSTGRES");
        if (admin is null)
        {
            Assert.SkipWhen(Environment.GetEnvironmentVariable("PK_SKIP_POSTGRES") == "1", "PK_SKIP_POSTGRES=1: the PostgreSQL tests of pk processes are SKIPPED.");
            Assert.Fail("PK_TEST_POSTGRES is not set: run ./test.sh, which starts a throwaway PostgreSQL (PK_SKIP_POSTGRES=1 skips this test).");
        }

        return admin;
    }

    private static string Token(JsonElement demo, string user) =>
        demo.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("name").GetString() == user).GetProperty("token").GetString()!;

    private static async Task<string> OrderMakAsync(HttpClient node, JsonElement demo, int quantity)
    {
        var account = demo.GetProperty("billingAccounts")[0].GetProperty("id").GetString();
        node.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(demo, "global-admin"));
        using var ordered = await node.PostAsJsonAsync($"/api/v1/billing-accounts/{account}/orders", new { product = "contoso-desktop", quantity }, TestContext.Current.CancellationToken);
        var order = JsonDocument.Parse(await ordered.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.True(ordered.IsSuccessStatusCode, order.ToString());
        var keyId = order.GetProperty("orders")[0].GetProperty("keyPackages")[0].GetProperty("keys")[0].GetProperty("id").GetString();
        var keys = await node.GetFromJsonAsync<JsonElement>($"/api/v1/billing-accounts/{account}/product-keys", TestContext.Current.CancellationToken);
        node.DefaultRequestHeaders.Authorization = null;
        return keys.EnumerateArray().Single(k => k.GetProperty("id").GetString() == keyId).GetProperty("key").GetString()!;
    }
}
