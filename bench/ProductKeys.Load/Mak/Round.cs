using System.Diagnostics;

namespace ProductKeys.Load.Mak;

/// <summary>
/// One measured run of a fixed number of requests: its rate, latency percentiles, and the CPU time
/// per request of the process doing the work (less sensitive to a busy machine than the rate).
/// </summary>
internal sealed record Round(double Rate, double P50, double P99, double CpuMicros)
{
    public static async Task<Round> MeasureAsync(int requests, Func<TimeSpan> cpuTime, Func<double[], Task> run)
    {
        var latencies = new double[requests];
        var cpuBefore = cpuTime();
        var time = Stopwatch.StartNew();
        await run(latencies);
        time.Stop();
        var cpu = cpuTime() - cpuBefore;
        Array.Sort(latencies);
        return new Round(requests / time.Elapsed.TotalSeconds, latencies[requests / 2], latencies[(int)(requests * 0.99)], cpu.TotalMicroseconds / requests);
    }

    /// <summary>The round with the median rate.</summary>
    public static Round Median(List<Round> rounds) => rounds.OrderBy(r => r.Rate).ElementAt(rounds.Count / 2);
}
