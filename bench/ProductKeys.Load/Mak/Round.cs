using System.Diagnostics;

namespace ProductKeys.Load.Mak;

/// <summary>One measured run of a fixed number of requests: its rate and latency percentiles.</summary>
internal sealed record Round(double Rate, double P50, double P99)
{
    public static async Task<Round> MeasureAsync(int requests, Func<double[], Task> run)
    {
        var latencies = new double[requests];
        var time = Stopwatch.StartNew();
        await run(latencies);
        time.Stop();
        Array.Sort(latencies);
        return new Round(requests / time.Elapsed.TotalSeconds, latencies[requests / 2], latencies[(int)(requests * 0.99)]);
    }

    /// <summary>The round with the median rate.</summary>
    public static Round Median(List<Round> rounds) => rounds.OrderBy(r => r.Rate).ElementAt(rounds.Count / 2);
}
