using OpenTelemetry.Metrics;

namespace ProductKeys.Telemetry;

/// <summary>
/// The <c>/metrics</c> page. OpenTelemetry aggregates (cumulative sums, explicit-bucket histograms);
/// each scrape asks its reader to collect now and writes the result in the Prometheus text format.
/// Stands in for OpenTelemetry's Prometheus exporter, which is published only as a prerelease (ADR 0023).
/// </summary>
public sealed class MetricsScrape
{
    /// <summary>The content type of the page.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly Lock _scrape = new();
    private string _collected = string.Empty;

    // The meter provider owns the reader, and the reader its exporter: both are disposed with the host.
    public MetricsScrape() => Reader = new BaseExportingMetricReader(new PrometheusTextExporter(text => _collected = text));

    /// <summary>The reader to add to the meter provider.</summary>
    internal MetricReader Reader { get; }

    /// <summary>Every metric as Prometheus text; empty before the meter provider has started.</summary>
    public string Render()
    {
        // One collection at a time: each hands its text to this scrape, which takes it.
        lock (_scrape)
        {
            _collected = string.Empty;
            return Reader.Collect() ? _collected : string.Empty;
        }
    }
}
