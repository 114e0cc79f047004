using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ProductKeys.Telemetry;

/// <summary>Receives the metrics a <see cref="MetricsScrape"/> collected and hands them on as Prometheus text.</summary>
internal sealed class PrometheusTextExporter(Action<string> collected) : BaseExporter<Metric>
{
    public override ExportResult Export(in Batch<Metric> batch)
    {
        var metrics = new List<Metric>();
        foreach (var metric in batch)
        {
            metrics.Add(metric);
        }

        // The batch's points are valid only during this call: write them out now, in a stable order.
        var text = new StringBuilder();
        foreach (var metric in metrics.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            PrometheusText.Write(text, metric);
        }

        collected(text.ToString());
        return ExportResult.Success;
    }
}
