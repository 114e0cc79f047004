using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using ProductKeys.Data;

namespace ProductKeys.Load.Mak;

/// <summary>
/// MAK activations per second over HTTP against a real <c>pk server</c> (keep-alive, distinct
/// devices, 8 and 32 concurrent) on SQLite and PostgreSQL, next to the floor measured by the same
/// driver in the same run on the same database: one conditional-update + insert transaction per
/// activation, straight against the database (<see cref="ActivationFloor"/>).
/// </summary>
internal static class MakLoadDriver
{
    private static readonly int[] Concurrency = [8, 32];
    private const int Rounds = 3;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task RunAsync(int requests, string? postgresAdmin, string? only)
    {
        var pk = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "ProductKeys.Cli", "release", "pk.dll"));
        var root = Directory.CreateTempSubdirectory("pk-mak-load-").FullName;
        Console.WriteLine("| database | what | concurrent | rounds × requests | activations/s: median (each round) | p50 ms | p99 ms | CPU µs/activation | ratio to floor |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        try
        {
            var exact = new List<string>();
            if (only is null or "sqlite")
            {
                exact.Add(await MeasureAsync(pk, "SQLite", Path.Combine(root, "sqlite"), null, requests));
            }

            if (postgresAdmin is not null && only is null or "postgres")
            {
                var database = $"pk_bench_{Guid.NewGuid():N}"[..24];
                await using (var admin = new NpgsqlConnection(postgresAdmin))
                {
                    await admin.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
                    await create.ExecuteNonQueryAsync();
                }

                var connection = new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = database }.ConnectionString;
                exact.Add(await MeasureAsync(pk, "PostgreSQL", Path.Combine(root, "postgres"), connection, requests));
            }

            Console.WriteLine();
            exact.ForEach(Console.WriteLine);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <returns>The line that says the key's count and its activation rows each grew by exactly the activations the run made (it throws otherwise).</returns>
    private static async Task<string> MeasureAsync(string pk, string name, string data, string? postgres, int requests)
    {
        string[] database = postgres is null ? ["--data", data] : ["--data", data, "--db", postgres];
        await using var server = await ServerProcess.StartAsync([pk, "server", "--demo", .. database, "--urls", "http://127.0.0.1:0"]);
        var demo = await ReadDemoAsync(Path.Combine(data, "demo.json"));
        using var http = new HttpClient { BaseAddress = server.Address };
        var (keyId, key) = await UnlimitedMakAsync(http, demo);
        using var floor = postgres is null
            ? ActivationFloor.ForSqlite($"Data Source={Path.Combine(data, "productkeys.db")};Default Timeout=30", keyId)
            : ActivationFloor.ForPostgres(DatabaseSettings.ForPostgres(postgres).ConnectionString, keyId); // prepared statements as the service has them

        // On SQLite, the service's writer alone in this process (WriterRun): what the group commit gives
        // before HTTP, lookup and signing share the cores. The server is idle while it runs.
        await using var writer = postgres is null ? new WriterRun(data, keyId) : null;
        var before = await floor.CountsAsync();
        foreach (var clients in Concurrency)
        {
            await RunHttpAsync(server.Address, key, clients, WarmUp(requests), $"warm-{clients}", latencies: null);
            await floor.RunAsync(clients, WarmUp(requests), null);
            if (writer is not null)
            {
                await writer.RunAsync(clients, WarmUp(requests), $"writer-warm-{clients}", latencies: null);
            }

            // Rounds alternate so that the machine's load and the database's growth drift over every
            // side alike; each side reports its median round, and the ratios compare the medians.
            var httpRounds = new List<Round>();
            var floorRounds = new List<Round>();
            var writerRounds = new List<Round>();
            for (var round = 0; round < Rounds; round++)
            {
                httpRounds.Add(await Round.MeasureAsync(requests, () => TimeSpan.FromSeconds(server.CpuSeconds), latencies => RunHttpAsync(server.Address, key, clients, requests, $"http-{clients}-{round}", latencies)));
                floorRounds.Add(await Round.MeasureAsync(requests, () => Process.GetCurrentProcess().TotalProcessorTime, latencies => floor.RunAsync(clients, requests, latencies)));
                if (writer is not null)
                {
                    writerRounds.Add(await Round.MeasureAsync(requests, () => Process.GetCurrentProcess().TotalProcessorTime, latencies => writer.RunAsync(clients, requests, $"writer-{clients}-{round}", latencies)));
                }
            }

            var floorMedian = Round.Median(floorRounds);
            Print(name, "floor: UPDATE … WHERE used < limit + INSERT, one transaction", clients, requests, floorMedian, floorMedian.Rate, floorRounds);
            Print(name, "POST /api/v1/activations (pk server)", clients, requests, Round.Median(httpRounds), floorMedian.Rate, httpRounds);
            if (writer is not null)
            {
                Print(name, "the service's activation writer alone, in process (no HTTP, lookup or signing)", clients, requests, Round.Median(writerRounds), floorMedian.Rate, writerRounds);
            }
        }

        // Every request of every side is a new device that must consume one activation: warm-up and rounds, at each concurrency.
        long made = (writer is null ? 2 : 3) * Concurrency.Length * (WarmUp(requests) + (long)Rounds * requests);
        var after = await floor.CountsAsync();
        return after.Used - before.Used == made && after.Rows - before.Rows == made
            ? $"{name}: exact — {made:N0} activations made, and the key's count and its activation rows each grew by {made:N0}."
            : throw new InvalidOperationException($"{name}: {made} activations made, but the key's count grew by {after.Used - before.Used} and its rows by {after.Rows - before.Rows}.");
    }

    /// <summary>
    /// Enough requests for the JIT to finish tiering up the server's hot path (EF Core alone
    /// compiles thousands of methods twice): measured runs start in the steady state.
    /// </summary>
    private static int WarmUp(int requests) => Math.Max(3000, requests);

    private static void Print(string database, string what, int clients, int requests, Round median, double floorRate, List<Round> rounds)
    {
        var all = string.Join(" / ", rounds.Select(r => r.Rate.ToString("F0", CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {database} | {what} | {clients} | {Rounds} × {requests} | **{median.Rate:F0}** ({all}) | {median.P50:F2} | {median.P99:F2} | {median.CpuMicros:F0} | {median.Rate / floorRate:F2} |"));
    }

    /// <summary>The server prints its address before it writes demo.json: wait for a whole file.</summary>
    internal static async Task<JsonElement> ReadDemoAsync(string path)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                return JsonDocument.Parse(await File.ReadAllTextAsync(path)).RootElement.Clone();
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"{path} did not appear.");
    }

    /// <summary>The demo's desktop MAK with its limit raised far beyond the run, as publisher staff would.</summary>
    private static async Task<(Guid Id, string Key)> UnlimitedMakAsync(HttpClient http, JsonElement demo)
    {
        string Token(string user) => demo.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("name").GetString() == user).GetProperty("token").GetString()!;
        var account = demo.GetProperty("billingAccounts")[0].GetProperty("id").GetString();
        using var list = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/billing-accounts/{account}/product-keys");
        list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token("billing-contributor"));
        using var listed = await http.SendAsync(list);
        var keys = JsonDocument.Parse(await listed.Content.ReadAsStringAsync()).RootElement;
        var mak = keys.EnumerateArray().First(k => k.GetProperty("type").GetString() == "Mak" && k.GetProperty("product").GetString() == "contoso-desktop");
        var id = mak.GetProperty("id").GetGuid();
        using var raise = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/keys/{id}/limit") { Content = JsonContent.Create(new { activationLimit = 50_000_000 }) };
        raise.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token("publisher-admin"));
        using var raised = await http.SendAsync(raise);
        raised.EnsureSuccessStatusCode();
        return (id, mak.GetProperty("key").GetString()!);
    }

    /// <summary>
    /// Each client is a thread with one keep-alive connection (<see cref="KeepAliveConnection"/>), as in
    /// the CAL and KMS drivers: on 2 cores, what HttpClient spends per request is taken from the server.
    /// </summary>
    private static Task RunHttpAsync(Uri address, string key, int clients, int requests, string prefix, double[]? latencies)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Factory.StartNew(() =>
        {
            using var connection = new KeepAliveConnection(address);
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var hardwareId = ProductKeys.Core.Devices.HardwareId.FromDeviceId($"{prefix}-{i}", "contoso-desktop").Value.ToString();
                var request = ActivationRequest(address, key, hardwareId);
                var started = Stopwatch.GetTimestamp();
                var (status, body) = connection.Send(request);
                if (latencies is not null)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }

                if (status != 200 || body.Span.IndexOf("\"reactivation\":true"u8) >= 0)
                {
                    throw new InvalidOperationException($"Unexpected answer {status}: {Encoding.UTF8.GetString(body.Span)}");
                }
            }
        }, TaskCreationOptions.LongRunning)));
    }

    /// <summary>The bytes of one <c>POST /api/v1/activations</c> for <paramref name="hardwareId"/>.</summary>
    private static byte[] ActivationRequest(Uri address, string key, string hardwareId)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { key, product = "contoso-desktop", hardwareId }, Json);
        var head = Encoding.ASCII.GetBytes(KeepAliveConnection.JsonPostHead(address, "/api/v1/activations", body.Length));
        return [.. head, .. body];
    }
}
