using System.Diagnostics;
using System.Globalization;
using System.Text;
using ProductKeys.Core.Cal;

namespace ProductKeys.Load.Cal;

/// <summary>
/// The race of issue 12: a per-device pack of 20 CALs, 10 of them already permanent, and 200 devices
/// that each hold a temporary CAL connecting again at the same moment for the last 10 permanent ones.
/// Each racer is a thread with its own keep-alive connection (opened, and used for its first
/// connection, before the start); the time is from the start signal to the last answer. Exactly 10
/// must come back permanent and 190 temporary, else the run fails. The floor is the same 200 threads
/// against the echo. Every round is a fresh data folder and server process, warmed up first (2,000
/// first connections of other devices; the echo the same number of requests).
/// </summary>
internal static class CalRace
{
    private const int Installed = 20;
    private const int Early = 10;
    private const int Racers = 200;

    /// <param name="pk">This build's pk.dll.</param>
    /// <param name="baseline">Another build's pk.dll raced in the same rounds, or <c>null</c>.</param>
    /// <param name="native">The Native AOT pk-cal-server raced in the same rounds, or <c>null</c>.</param>
    /// <param name="self">The load driver (for the echo).</param>
    /// <param name="root">Where the data folders go.</param>
    /// <param name="rounds">Rounds of each.</param>
    public static async Task RunAsync(string pk, string? baseline, string? native, string self, string root, int rounds)
    {
        var echo = new List<(double Ms, double P50, double P99)>();
        var server = new List<(double Ms, double P50, double P99)>();
        var before = new List<(double Ms, double P50, double P99)>();
        var aot = new List<(double Ms, double P50, double P99)>();
        for (var round = 0; round < rounds; round++)
        {
            await using (var process = await ServerProcess.StartAsync(self, "echo-server"))
            {
                await CalLoadDriver.WarmUpAsync(process.Address, clients: 8, mode: null);
                echo.Add(RunRace(process.Address, isEcho: true));
            }

            if (baseline is not null)
            {
                before.Add(await RaceCalServerAsync(baseline, Path.Combine(root, $"race-baseline-{round}"), data => Serve(baseline, data)));
            }

            server.Add(await RaceCalServerAsync(pk, Path.Combine(root, $"race-{round}"), data => Serve(pk, data)));
            if (native is not null)
            {
                aot.Add(await RaceCalServerAsync(pk, Path.Combine(root, $"race-native-{round}"),
                    data => ServerProcess.StartProgramAsync(native, "--data", data, "--urls", "http://127.0.0.1:0")));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| race: {Racers} devices for the last {Early} of {Installed} permanent CALs | rounds | time ms: median (each round) | × echo (medians) | racer p50 ms | racer p99 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Print($"echo: the same {Racers} racers, one request each", echo, null);
        if (baseline is not null)
        {
            Print($"baseline CAL server: exactly {Early} permanent, {Racers - Early} temporary in every round", before, Median(echo));
        }

        Print($"CAL server: exactly {Early} permanent, {Racers - Early} temporary in every round", server, Median(echo));
        if (native is not null)
        {
            Print($"native pk-cal-server: exactly {Early} permanent, {Racers - Early} temporary in every round", aot, Median(echo));
        }
    }

    private static Task<ServerProcess> Serve(string pk, string data) =>
        ServerProcess.StartAsync(pk, "cal-server", "serve", "--data", data, "--urls", "http://127.0.0.1:0");

    /// <summary>A fresh CAL server (its pack installed by <paramref name="pk"/>, then started by <paramref name="start"/>) with 10 of its 20 CALs permanent, and the race.</summary>
    private static async Task<(double Ms, double P50, double P99)> RaceCalServerAsync(string pk, string data, Func<string, Task<ServerProcess>> start)
    {
        await CalServerData.CreateAsync(pk, data, CalMode.PerDevice, Installed);
        await using var process = await start(data);
        // Other devices' first connections (temporary CALs, which the permanent count leaves alone) warm the server up.
        await CalLoadDriver.WarmUpAsync(process.Address, clients: 8, CalMode.PerDevice);
        using (var early = new KeepAliveConnection(process.Address))
        {
            var request = new CalRequestBytes(process.Address, perDevice: true, "early");
            for (var i = 0; i < Early; i++)
            {
                Expect(early.Send(request.For(i)), "\"kind\":\"Temporary\"");
                Expect(early.Send(request.For(i)), "\"kind\":\"Permanent\"");
            }
        }

        return RunRace(process.Address, isEcho: false);
    }

    /// <summary>200 racers: each connects and makes its first connection, then all send their second at once.</summary>
    private static (double Ms, double P50, double P99) RunRace(Uri address, bool isEcho)
    {
        using var ready = new CountdownEvent(Racers);
        using var go = new ManualResetEventSlim();
        var finished = new long[Racers];
        var kinds = new string[Racers];
        var threads = Enumerable.Range(0, Racers).Select(racer => Task.Factory.StartNew(() =>
        {
            using var connection = new KeepAliveConnection(address);
            var request = new CalRequestBytes(address, perDevice: true, "racer");
            try
            {
                Expect(connection.Send(request.For(racer)), isEcho ? "racer" : "\"kind\":\"Temporary\"");
            }
            finally
            {
                ready.Signal();
            }

            go.Wait();
            var (status, body) = connection.Send(request.For(racer));
            finished[racer] = Stopwatch.GetTimestamp();
            kinds[racer] = Expect((status, body), isEcho ? "racer" : "\"kind\":\"");
        }, TaskCreationOptions.LongRunning)).ToList();

        ready.Wait();
        var start = Stopwatch.GetTimestamp();
        go.Set();
        Task.WaitAll(threads);
        if (!isEcho)
        {
            var permanent = kinds.Count(k => k.Contains("\"kind\":\"Permanent\"", StringComparison.Ordinal));
            var temporary = kinds.Count(k => k.Contains("\"kind\":\"Temporary\"", StringComparison.Ordinal));
            if (permanent != Early || temporary != Racers - Early)
            {
                throw new InvalidOperationException($"The race gave {permanent} permanent and {temporary} temporary CALs, not {Early} and {Racers - Early}.");
            }
        }

        var latencies = finished.Select(f => Stopwatch.GetElapsedTime(start, f).TotalMilliseconds).Order().ToArray();
        return (latencies[^1], latencies[Racers / 2], latencies[(int)(Racers * 0.99)]);
    }

    /// <summary>Checks a 200 answer holding <paramref name="expected"/>; returns the body.</summary>
    private static string Expect((int Status, ReadOnlyMemory<byte> Body) answer, string expected)
    {
        var body = Encoding.UTF8.GetString(answer.Body.Span);
        return answer.Status == 200 && body.Contains(expected, StringComparison.Ordinal)
            ? body
            : throw new InvalidOperationException($"Unexpected answer {answer.Status}: {body}");
    }

    private static double Median(List<(double Ms, double P50, double P99)> rounds) => rounds.Select(r => r.Ms).Order().ElementAt(rounds.Count / 2);

    private static void Print(string what, List<(double Ms, double P50, double P99)> rounds, double? echoMedian)
    {
        var median = Median(rounds);
        var each = string.Join(" / ", rounds.Select(r => r.Ms.ToString("F1", CultureInfo.InvariantCulture)));
        var ratio = echoMedian is { } e ? (median / e).ToString("F1", CultureInfo.InvariantCulture) : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {rounds.Count} | {median:F1} ({each}) | {ratio} | {rounds.Select(r => r.P50).Order().ElementAt(rounds.Count / 2):F1} | {rounds.Select(r => r.P99).Order().ElementAt(rounds.Count / 2):F1} |"));
    }
}
