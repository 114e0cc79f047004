using System.Diagnostics;
using System.Globalization;
using System.Text;
using ProductKeys.Core.Cal;

namespace ProductKeys.Load.Cal;

/// <summary>
/// CAL requests per second against the real CAL server (<c>pk cal-server serve</c>, Release, its own
/// process): per-user (a pack of 500, whose installed CALs go in the warm-up: every measured user comes
/// from the over-used pool) and per-device (a
/// pack of 500: every device is new, so every answer is a temporary CAL, signed and committed before
/// it leaves), every request a distinct user or device, at 2, 8 and 32 keep-alive clients, next to
/// the plain Kestrel JSON echo measured by the same driver in the same run. Then the race of 200
/// devices for the last 10 permanent CALs (<see cref="CalRace"/>). Every server runs in a fresh
/// process per level; the first 2,000 requests of each are not measured (the JIT server is still tiering
/// up its code for thousands of requests, longer on a loaded machine). <c>PK_CAL_BASELINE=PATH/pk.dll</c>
/// adds another build's CAL server (e.g. main's) to the same run, for a before/after.
/// </summary>
internal static class CalLoadDriver
{
    public const string PerUser = "per-user";
    public const string PerDevice = "per-device";
    public const string Echo = "echo";
    public const string Race = "race";
    public const string Baseline = "baseline-";
    public const string Native = "native-";

    /// <summary>The per-user and per-device packs' installed quantity: the pack size the product shows.</summary>
    private const int PackSize = 500;
    private const int WarmUp = 2000;
    private const int RaceRounds = 5;
    private static readonly int[] Concurrency = [2, 8, 32];

    /// <param name="requestsPerLevel">Measured requests per server and level.</param>
    /// <param name="only">Which of per-user, per-device, echo, race to run (all when empty).</param>
    public static async Task RunAsync(int requestsPerLevel, IReadOnlySet<string> only)
    {
        var pk = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "ProductKeys.Cli", "release", "pk.dll"));
        var self = Path.Combine(AppContext.BaseDirectory, "ProductKeys.Load.dll");
        Console.WriteLine($"pk (JIT): {pk}");
        // Another build's pk.dll (e.g. main's), measured in the same run as baseline-per-user, baseline-per-device, baseline-race.
        var baseline = Environment.GetEnvironmentVariable("PK_CAL_BASELINE") is { Length: > 0 } other ? Path.GetFullPath(other) : null;
        if (baseline is not null)
        {
            Console.WriteLine($"baseline (another build): {baseline}");
        }

        var native = NativeServer();
        Console.WriteLine(native is null ? "pk-cal-server (Native AOT): not published (scripts/publish-cal-server.sh), not measured" : $"pk-cal-server (Native AOT): {native}");
        Console.WriteLine($"{Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        bool Runs(string name) => only.Count == 0 || only.Contains(name);
        var root = Directory.CreateTempSubdirectory("pk-cal-load-").FullName;
        var rows = new List<Row>();
        try
        {
            foreach (var clients in Concurrency)
            {
                if (Runs(Echo))
                {
                    await using var echo = await ServerProcess.StartAsync(self, "echo-server");
                    rows.Add(await MeasureAsync(Echo, echo, clients, requestsPerLevel, mode: null));
                }

                foreach (var (name, build, start, mode) in Servers(pk, baseline, native))
                {
                    if (Runs(name))
                    {
                        var data = Path.Combine(root, $"{name}-{clients}");
                        await CalServerData.CreateAsync(build, data, mode, PackSize);
                        await using var server = await start(data);
                        rows.Add(await MeasureAsync(name, server, clients, requestsPerLevel, mode));
                    }
                }
            }

            PrintThroughput(rows);
            if (Runs(Race))
            {
                await CalRace.RunAsync(pk, Runs(Baseline + Race) ? baseline : null, Runs(Native + Race) ? native : null, self, root, RaceRounds);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// The CAL servers each level measures: this build's <c>pk cal-server serve</c>, its Native AOT <c>pk-cal-server</c>
    /// when published, and the baseline's when given. Each with the <c>pk.dll</c> that installs its pack.
    /// </summary>
    private static IEnumerable<(string Name, string Pk, Func<string, Task<ServerProcess>> Start, CalMode Mode)> Servers(string pk, string? baseline, string? native)
    {
        foreach (var (name, mode) in (IEnumerable<(string, CalMode)>)[(PerUser, CalMode.PerUser), (PerDevice, CalMode.PerDevice)])
        {
            if (baseline is not null)
            {
                yield return (Baseline + name, baseline, data => ServerProcess.StartAsync(baseline, "cal-server", "serve", "--data", data, "--urls", "http://127.0.0.1:0"), mode);
            }

            yield return (name, pk, data => ServerProcess.StartAsync(pk, "cal-server", "serve", "--data", data, "--urls", "http://127.0.0.1:0"), mode);
            if (native is not null)
            {
                yield return (Native + name, pk, data => ServerProcess.StartProgramAsync(native, "--data", data, "--urls", "http://127.0.0.1:0"), mode);
            }
        }
    }

    /// <summary>The published native server: <c>PK_CAL_SERVER_NATIVE</c>, else where scripts/publish-cal-server.sh puts it.</summary>
    private static string? NativeServer()
    {
        var path = Environment.GetEnvironmentVariable("PK_CAL_SERVER_NATIVE") is { Length: > 0 } set
            ? set
            : Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "publish", "ProductKeys.CalServer.Native", "release_linux-x64", "pk-cal-server");
        return File.Exists(path) ? Path.GetFullPath(path) : null;
    }

    private static void PrintThroughput(List<Row> rows)
    {
        Console.WriteLine();
        Console.WriteLine("| clients | server | requests | requests/s | × echo (same run) | p50 ms | p99 ms | server CPU µs/request | peak RSS MiB |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var echo = rows.FirstOrDefault(r => r.Server == Echo && r.Clients == row.Clients);
            var ratio = echo is null || row.Server == Echo ? "" : (row.PerSecond / echo.PerSecond).ToString("F2", CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Clients} | {row.Server} | {row.Requests} | {row.PerSecond:F0} | {ratio} | {row.P50:F2} | {row.P99:F2} | {row.CpuMicroseconds:F0} | {row.PeakRssMiB:F0} |"));
        }
    }

    private static async Task<Row> MeasureAsync(string name, ServerProcess server, int clients, int requests, CalMode? mode)
    {
        var perDevice = mode == CalMode.PerDevice;
        var expected = ExpectedAnswer(mode);
        // Warm-up (JIT, connections, SQLite pages), not measured; then distinct names from WarmUp on.
        var installedUsers = await WarmUpAsync(server.Address, clients, mode);
        var latencies = new double[requests];
        var cpuBefore = server.CpuSeconds;
        var total = Stopwatch.StartNew();
        installedUsers += await RunAsync(server.Address, clients, first: WarmUp, requests, perDevice, expected, latencies);
        total.Stop();
        var cpu = server.CpuSeconds - cpuBefore;
        if (mode == CalMode.PerUser && installedUsers != Math.Min(PackSize, WarmUp + requests))
        {
            throw new InvalidOperationException($"{installedUsers} users got an installed CAL from a pack of {PackSize}.");
        }

        Array.Sort(latencies);
        var row = new Row(name, clients, requests, requests / total.Elapsed.TotalSeconds, latencies[requests / 2], latencies[(int)(requests * 0.99)],
            cpu / requests * 1e6, server.PeakRssMiB);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} at {clients} clients: {row.PerSecond:F0}/s"));
        return row;
    }

    /// <summary>
    /// <see cref="WarmUp"/> requests of distinct users or devices (<c>user-N</c>, <c>device-N</c>, N from 0) to a
    /// fresh server of <paramref name="mode"/> (the echo: null), not measured.
    /// </summary>
    /// <returns>How many users got an installed CAL.</returns>
    internal static Task<int> WarmUpAsync(Uri address, int clients, CalMode? mode) =>
        RunAsync(address, clients, first: 0, WarmUp, mode == CalMode.PerDevice, ExpectedAnswer(mode), latencies: null);

    /// <summary>What every answer of a CAL server of <paramref name="mode"/> (the echo: null) holds besides the name asked for.</summary>
    private static byte[][] ExpectedAnswer(CalMode? mode) => mode switch
    {
        CalMode.PerUser => ["\"pool\":\"Installed\""u8.ToArray(), "\"pool\":\"OverUsed\""u8.ToArray()],
        CalMode.PerDevice => ["\"kind\":\"Temporary\""u8.ToArray()],
        _ => [[]],
    };

    /// <summary>
    /// <paramref name="clients"/> threads, each with its own keep-alive connection and one request
    /// outstanding at a time, ask for the names numbered <paramref name="first"/> on until
    /// <paramref name="requests"/> answers came back. Every answer is checked: 200, the name asked
    /// for, and one of <paramref name="expected"/>.
    /// </summary>
    /// <returns>How many answers held the first of <paramref name="expected"/> (per user: an installed CAL).</returns>
    private static async Task<int> RunAsync(Uri address, int clients, int first, int requests, bool perDevice, byte[][] expected, double[]? latencies)
    {
        var next = -1;
        var firstKind = 0;
        var threads = Enumerable.Range(0, clients).Select(_ => Task.Factory.StartNew(() =>
        {
            using var connection = new KeepAliveConnection(address);
            var request = new CalRequestBytes(address, perDevice, perDevice ? "device" : "user");
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var bytes = request.For(first + i);
                var started = Stopwatch.GetTimestamp();
                var (status, body) = connection.Send(bytes);
                if (latencies is not null)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }

                var kind = KindOf(body.Span, expected);
                if (status != 200 || body.Span.IndexOf(request.Name) < 0 || kind < 0)
                {
                    throw new InvalidOperationException($"Unexpected answer {status}: {Encoding.UTF8.GetString(body.Span)}");
                }

                if (kind == 0)
                {
                    Interlocked.Increment(ref firstKind);
                }
            }
        }, TaskCreationOptions.LongRunning));
        await Task.WhenAll(threads);
        return firstKind;
    }

    private static int KindOf(ReadOnlySpan<byte> body, byte[][] expected)
    {
        for (var k = 0; k < expected.Length; k++)
        {
            if (body.IndexOf(expected[k]) >= 0)
            {
                return k;
            }
        }

        return -1;
    }

    private sealed record Row(string Server, int Clients, int Requests, double PerSecond, double P50, double P99, double CpuMicroseconds, double PeakRssMiB);
}
