using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace ProductKeys.Telemetry;

/// <summary>
/// The buckets of every latency histogram (unit <c>s</c>): 1 ms to 10 s, dense where answers fall
/// (a MAK activation takes milliseconds, a KMS answer well under one). OpenTelemetry's default
/// boundaries (0 to 10,000) are meant for milliseconds and would put every answer in the first two.
/// </summary>
public static class LatencyBuckets
{
    /// <summary>Upper bounds in seconds; the last bucket (+Inf) holds the rest.</summary>
    public static IReadOnlyList<double> Boundaries { get; } = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>The view that gives a histogram measured in seconds these buckets; other instruments keep their defaults.</summary>
    public static MetricStreamConfiguration? View(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return instrument is Histogram<double> && instrument.Unit == "s"
            ? new ExplicitBucketHistogramConfiguration { Boundaries = [.. Boundaries] }
            : null;
    }
}
