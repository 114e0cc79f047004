using System.Diagnostics.Metrics;

namespace ProductKeys.KmsHost;

/// <summary>The host's one <see cref="Meter"/> (<c>ProductKeys.KmsHost</c>): requests by result and client state, and latency.</summary>
internal sealed class KmsMetrics
{
    public const string MeterName = "ProductKeys.KmsHost";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public KmsMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>("pk.kms.requests", description: "KMS client requests by result code and reported client state.");
        _duration = meter.CreateHistogram<double>("pk.kms.request.duration", unit: "s", description: "Time to answer a KMS client request, database write included.");
    }

    public void Answered(string result, string? clientState, TimeSpan elapsed)
    {
        _requests.Add(1, new KeyValuePair<string, object?>("result", result), new KeyValuePair<string, object?>("client_state", clientState ?? "invalid"));
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("result", result));
    }
}
