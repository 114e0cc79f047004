using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using ProductKeys.Core.Devices;

namespace ProductKeys.Load.Mak;

/// <summary>
/// MAK activations per second through HAProxy in front of three <c>pk server</c> nodes on one
/// PostgreSQL, next to one of those nodes asked directly, in the same run, on the same database and
/// the same 50 keys (issue #14 item 6, docs/adr/0029-load-balancer-and-outages.md): what the balancer's
/// hop costs, and what two more nodes give, on the machine the run is on.
/// </summary>
internal static class MakBalancerDriver
{
    private const string Product = "contoso-desktop";
    private const int Keys = 50;
    private const int Rounds = 3;
    private static readonly int[] Concurrency = [8, 32];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task RunAsync(int requests, string? postgresAdmin)
    {
        if (postgresAdmin is null)
        {
            throw new InvalidOperationException("mak-lb runs on PostgreSQL: set PK_BENCH_POSTGRES (e.g. to $PK_TEST_POSTGRES after start_test_postgres).");
        }

        var pk = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "ProductKeys.Cli", "release", "pk.dll"));
        var root = Directory.CreateTempSubdirectory("pk-mak-lb-").FullName;
        try
        {
            var database = await CreateDatabaseAsync(postgresAdmin);
            var first = Path.Combine(root, "node1");
            await using var node1 = await ServerProcess.StartAsync([pk, "server", "--demo", "--data", first, "--db", database, "--urls", "http://127.0.0.1:0"]);
            var demo = await MakLoadDriver.ReadDemoAsync(Path.Combine(first, "demo.json"));
            string[] sharing = ["--db", database, "--secrets", Path.Combine(first, "secrets"), "--urls", "http://127.0.0.1:0"];
            await using var node2 = await ServerProcess.StartAsync([pk, "server", "--data", Path.Combine(root, "node2"), .. sharing]);
            await using var node3 = await ServerProcess.StartAsync([pk, "server", "--data", Path.Combine(root, "node3"), .. sharing]);
            await using var balancer = await Haproxy.StartAsync(root, [node1.Address, node2.Address, node3.Address]);
            using var direct = new HttpClient { BaseAddress = node1.Address };
            using var through = new HttpClient { BaseAddress = balancer.Address };
            var keys = await OrderMaksAsync(direct, demo);

            Console.WriteLine("| path | concurrent | rounds × requests | activations/s: median (each round) | p50 ms | p99 ms | ratio to one node |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var clients in Concurrency)
            {
                // Warm-up through the balancer reaches every node; the direct one warms node 1 further.
                await RunAsync(through, keys, clients, Math.Max(3000, requests), $"warm-lb-{clients}", null);
                await RunAsync(direct, keys, clients, Math.Max(3000, requests), $"warm-direct-{clients}", null);
                var viaBalancer = new List<Round>();
                var viaOneNode = new List<Round>();
                for (var round = 0; round < Rounds; round++)
                {
                    // Alternating, so that the shared machine's load drifts over both alike.
                    viaBalancer.Add(await Round.MeasureAsync(requests, () => TimeSpan.Zero, l => RunAsync(through, keys, clients, requests, $"lb-{clients}-{round}", l)));
                    viaOneNode.Add(await Round.MeasureAsync(requests, () => TimeSpan.Zero, l => RunAsync(direct, keys, clients, requests, $"direct-{clients}-{round}", l)));
                }

                var oneNode = Round.Median(viaOneNode);
                Print("one node, direct", clients, requests, oneNode, oneNode.Rate, viaOneNode);
                Print("HAProxy → 3 nodes", clients, requests, Round.Median(viaBalancer), oneNode.Rate, viaBalancer);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<string> CreateDatabaseAsync(string postgresAdmin)
    {
        var name = $"pk_bench_lb_{Guid.NewGuid():N}"[..24];
        await using var admin = new NpgsqlConnection(postgresAdmin);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = name }.ConnectionString;
    }

    private static void Print(string what, int clients, int requests, Round median, double oneNodeRate, List<Round> rounds)
    {
        var all = string.Join(" / ", rounds.Select(r => r.Rate.ToString("F0", CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {clients} | {Rounds} × {requests} | **{median.Rate:F0}** ({all}) | {median.P50:F2} | {median.P99:F2} | {median.Rate / oneNodeRate:F2} |"));
    }

    /// <summary>50 MAKs of 100,000 (limit 125,000 each): no run comes near a limit.</summary>
    private static async Task<string[]> OrderMaksAsync(HttpClient http, JsonElement demo)
    {
        var account = demo.GetProperty("billingAccounts")[0].GetProperty("id").GetString();
        var token = demo.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("name").GetString() == "global-admin").GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var ids = new List<string>();
        for (var k = 0; k < Keys; k++)
        {
            using var placed = await http.PostAsJsonAsync($"/api/v1/billing-accounts/{account}/orders", new { product = Product, quantity = 100_000 });
            placed.EnsureSuccessStatusCode();
            var order = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement;
            ids.Add(order.GetProperty("orders")[0].GetProperty("keyPackages")[0].GetProperty("keys").EnumerateArray()
                .Single(key => key.GetProperty("type").GetString() == "Mak").GetProperty("id").GetString()!);
        }

        var listed = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/billing-accounts/{account}/product-keys")).RootElement;
        http.DefaultRequestHeaders.Authorization = null;
        var plaintext = listed.EnumerateArray().ToDictionary(k => k.GetProperty("id").GetString()!, k => k.GetProperty("key").GetString()!);
        return [.. ids.Select(id => plaintext[id])];
    }

    /// <summary>Every request a new device, on the keys in turn; any answer but a new activation stops the run.</summary>
    private static Task RunAsync(HttpClient http, string[] keys, int clients, int requests, string prefix, double[]? latencies)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var hardwareId = HardwareId.FromDeviceId($"{prefix}-{i}", Product).Value.ToString();
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync("/api/v1/activations", new { key = keys[i % keys.Length], product = Product, hardwareId }, Json);
                var body = await response.Content.ReadAsStringAsync();
                if (latencies is not null)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }

                if (!response.IsSuccessStatusCode || body.Contains("\"reactivation\":true", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Unexpected answer {(int)response.StatusCode}: {body}");
                }
            }
        }));
    }
}
