using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ProductKeys.Core.Devices;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// Issue #14 item 4, docs/adr/0029-load-balancer-and-outages.md: three real <c>pk server</c> processes on
/// one PostgreSQL (a private one, since this test restarts it) behind Debian's HAProxy on loopback.
/// 2,000 devices activate over 50 MAKs, 96 at a time, while one node is killed (<c>kill -9</c>) and
/// started again on its port, and PostgreSQL is stopped and started once. Every key ends exactly at its
/// limit with exactly the devices that were told "activated", none lost and none over; every refusal is
/// MAK_LIMIT_REACHED; during the restarts clients see only 503s that name their code and carry
/// Retry-After (or, at worst, a connection cut before any answer), never a 500.
/// </summary>
public sealed class ThreeNodesBehindHaproxyTests : IDisposable
{
    private const string Product = "contoso-desktop";
    private const int Keys = 50;
    private const int Devices = 2000;
    private const int InFlight = 96;

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-three-nodes-").FullName;

    [Fact]
    public async Task Two_thousand_activations_through_HAProxy_survive_a_killed_node_and_a_PostgreSQL_restart_without_over_activation_or_loss()
    {
        var haproxy = HaproxyProcess.Locate();
        if (haproxy is null)
        {
            Assert.SkipWhen(Environment.GetEnvironmentVariable("PK_SKIP_HAPROXY") == "1", "PK_SKIP_HAPROXY=1: the load-balancer test is SKIPPED.");
            Assert.Fail("HAProxy is not installed and PK_HAPROXY is not set: run ./test.sh, or scripts/ensure-haproxy.sh (PK_SKIP_HAPROXY=1 skips this test).");
        }

        Assert.SkipWhen(PrivatePostgres.FindBinaries() is null && Environment.GetEnvironmentVariable("PK_SKIP_POSTGRES") == "1", "PK_SKIP_POSTGRES=1: the load-balancer test is SKIPPED.");
        var clock = Stopwatch.StartNew();
        await using var postgres = await PrivatePostgres.StartAsync();
        var database = postgres.ConnectionString("pk_three_nodes");

        // Node 1 creates the database, the demo data and the secrets; nodes 2 and 3 share both.
        int[] ports = [PkServerProcess.FreePort(), PkServerProcess.FreePort(), PkServerProcess.FreePort()];
        var first = Path.Combine(_folder, "node1");
        JsonElement demo = default;
        var nodes = new PkServerProcess[3];
        await using var stopNodes = new Finally(async () =>
        {
            foreach (var node in nodes.Where(n => n is not null))
            {
                await node.DisposeAsync();
            }
        });
        nodes[0] = await PkServerProcess.StartOnAsync(ports[0], PkServerProcess.DemoWritten(first, read => demo = read), "--demo", "--data", first, "--db", database);
        var sharing = await Task.WhenAll(StartSharingAsync(ports[1], 2), StartSharingAsync(ports[2], 3));
        (nodes[1], nodes[2]) = (sharing[0], sharing[1]);
        Task<PkServerProcess> StartSharingAsync(int port, int n) =>
            PkServerProcess.StartOnAsync(port, null, "--data", Path.Combine(_folder, $"node{n}"), "--db", database, "--secrets", Path.Combine(first, "secrets"));

        await using var balancer = await HaproxyProcess.StartAsync(haproxy!, _folder, ports);
        using var http = new HttpClient { BaseAddress = new Uri(balancer.Url) };
        var keys = await OrderMaksAsync(http, demo);
        var devices = Enumerable.Range(0, Devices)
            .Select(i => new RetryingActivations.Device(keys[i % Keys].Key, HardwareId.FromDeviceId($"lb-device-{i}", Product).Value.ToString()))
            .ToList();
        var startup = clock.Elapsed;

        // The traffic runs on its own; the restarts happen between stretches of it, each while requests are in flight.
        var fleet = new RetryingActivations(http, Product);
        fleet.Allow(600);
        var run = fleet.RunAsync(devices, InFlight);
        await UntilAsync(() => fleet.Answered >= 300, "300 answers", run);
        await nodes[1].KillAsync();
        fleet.Allow(1000);
        await UntilAsync(() => fleet.Answered >= 800, "800 answers with node 2 dead", run);
        var restarted = nodes[1];
        nodes[1] = await StartSharingAsync(ports[1], 2);
        await restarted.DisposeAsync();
        await balancer.WaitUntilUpAsync("node2");
        fleet.Allow(1500);
        await UntilAsync(() => fleet.Answered >= 1300, "1,300 answers with node 2 back", run);
        await postgres.StopAsync();
        fleet.Allow(1700);
        await UntilAsync(() => fleet.UnavailableFromNodes + fleet.UnavailableFromBalancer > 0, "a 503 while PostgreSQL is down", run);
        await postgres.StartAgainAsync();
        fleet.Allow(Devices);
        var outcomes = await run;
        var elapsed = clock.Elapsed - startup;

        var tally = string.Join(", ", outcomes.GroupBy(o => o.Answer).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
        var report = $"{tally}; retried 503s: {fleet.UnavailableFromNodes} DATABASE_UNREACHABLE from nodes, {fleet.UnavailableFromBalancer} SERVICE_UNAVAILABLE from HAProxy; " +
            $"{fleet.ConnectionErrors} connections cut; {outcomes.Count(o => o.Reactivation)} answered as re-activations after a retry; " +
            $"{balancer.Log.Count(l => l.StartsWith("POST /api/v1/activations ", StringComparison.Ordinal) && !l.Contains(" 0 ", StringComparison.Ordinal))} activations replayed by HAProxy; " +
            $"start {startup.TotalSeconds:F0} s, traffic {elapsed.TotalSeconds:F0} s";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Console.WriteLine($"ThreeNodesBehindHaproxyTests: {report}");
        Assert.True(fleet.Unexpected.Count == 0, $"Unexpected answers ({report}):\n{string.Join('\n', fleet.Unexpected.Take(20))}");

        // What PostgreSQL holds, key by key, against what the devices were told.
        var recorded = (await postgres.QueryAsync("pk_three_nodes", """SELECT "KeyId", "HardwareId" FROM "MakActivations" """))
            .Select(r => r.Split('|')).ToLookup(r => Guid.Parse(r[0]), r => r[1]);
        var counts = (await postgres.QueryAsync("pk_three_nodes", """SELECT "Id", "ActivationsUsed" FROM "Keys" """))
            .Select(r => r.Split('|')).ToDictionary(r => Guid.Parse(r[0]), r => int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture));
        for (var k = 0; k < Keys; k++)
        {
            var key = keys[k];
            var activated = devices.Select((d, i) => (d, outcomes[i])).Where(x => x.d.Key == key.Key && x.Item2.Answer == "OK").Select(x => x.d.HardwareId).ToHashSet();
            // Every key had more devices than activations: each ends exactly at its limit, and a device
            // told "activated" is one of the rows, a row one of those devices.
            Assert.True(activated.Count == key.Limit, $"key {k}: {activated.Count} devices told 'activated', limit {key.Limit} ({report})");
            Assert.True(activated.SetEquals(recorded[key.Id]), $"key {k}: the devices told 'activated' and the rows recorded differ ({recorded[key.Id].Count()} rows; {report})");
            Assert.Equal(key.Limit, counts[key.Id]);
        }

        Assert.Equal(Devices - keys.Sum(k => k.Limit), outcomes.Count(o => o.Answer == "MAK_LIMIT_REACHED"));

        // The restarted node served again: HAProxy sent it its share once it was UP.
        using var direct = new HttpClient();
        const string Served = "pk_activations_total{kind=\"mak\",result=\"OK\"} ";
        var served = (await direct.GetStringAsync(nodes[1].Url + "/metrics", TestContext.Current.CancellationToken)).Split('\n').SingleOrDefault(l => l.StartsWith(Served, StringComparison.Ordinal));
        Assert.True(served is not null && double.Parse(served[Served.Length..], System.Globalization.CultureInfo.InvariantCulture) > 0, $"The restarted node 2 activated no device: {served}");

        // Through the balancer /metrics does not exist (docs/deploy/haproxy.cfg), whatever its case.
        foreach (var path in new[] { "/metrics", "/METRICS" })
        {
            using var hidden = await http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            var body = await hidden.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(hidden.StatusCode == System.Net.HttpStatusCode.NotFound && body.Contains("\"NOT_FOUND\"", StringComparison.Ordinal), $"{path}: {(int)hidden.StatusCode} {body}");
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed record Mak(Guid Id, string Key, int Limit);

    /// <summary>50 MAKs through the balancer, quantities 24–29 (limits 30–37: ceil(1.25 × quantity) or quantity + 5).</summary>
    private static async Task<List<Mak>> OrderMaksAsync(HttpClient http, JsonElement demo)
    {
        var ct = TestContext.Current.CancellationToken;
        var account = demo.GetProperty("billingAccounts")[0].GetProperty("id").GetString();
        var token = demo.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("name").GetString() == "global-admin").GetProperty("token").GetString();
        var ordered = new List<(Guid Id, int Limit)>();
        for (var k = 0; k < Keys; k++)
        {
            using var order = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing-accounts/{account}/orders") { Content = JsonContent.Create(new { product = Product, quantity = 24 + (k % 6) }) };
            order.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var placed = await http.SendAsync(order, ct);
            var body = JsonDocument.Parse(await placed.Content.ReadAsStringAsync(ct)).RootElement;
            Assert.True(placed.IsSuccessStatusCode, body.ToString());
            var mak = body.GetProperty("orders")[0].GetProperty("keyPackages")[0].GetProperty("keys").EnumerateArray().Single(key => key.GetProperty("type").GetString() == "Mak");
            ordered.Add((mak.GetProperty("id").GetGuid(), mak.GetProperty("activationLimit").GetInt32()));
        }

        using var list = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/billing-accounts/{account}/product-keys");
        list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var listed = await http.SendAsync(list, ct);
        var plaintext = JsonDocument.Parse(await listed.Content.ReadAsStringAsync(ct)).RootElement.EnumerateArray()
            .ToDictionary(k => k.GetProperty("id").GetGuid(), k => k.GetProperty("key").GetString()!);
        return [.. ordered.Select(o => new Mak(o.Id, plaintext[o.Id], o.Limit))];
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; fails early if the traffic ended or failed first.</summary>
    private static async Task UntilAsync(Func<bool> condition, string what, Task run)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (run.IsCompleted)
            {
                await run; // its exception, if any
                throw new InvalidOperationException($"The traffic ended before {what}.");
            }

            if (deadline.Elapsed > Patience.Process)
            {
                throw new TimeoutException($"No {what} within {Patience.Process.TotalSeconds} s.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Runs an action on dispose: the nodes are replaced during the test, so a plain <c>await using</c> on each would not do.</summary>
    private sealed class Finally(Func<Task> action) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await action();
    }
}
