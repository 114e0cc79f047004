using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ProductKeys.Service.Health;

/// <summary>
/// Listens to the service's <see cref="Meter"/> and renders its counters in the Prometheus text
/// format; small enough that no exporter package is needed.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), long> _values = new();
    private readonly ConcurrentDictionary<string, string?> _descriptions = new();
    private readonly ConcurrentDictionary<string, string?> _summaries = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), (double Sum, long Count)> _observations = new();

    public PrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ServiceMetrics.MeterName)
            {
                (instrument is Histogram<double> ? _summaries : _descriptions)[instrument.Name] = instrument.Description;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.SetMeasurementEventCallback<double>(OnObservation);
        _listener.Start();
    }

    public string Render()
    {
        var text = new StringBuilder();
        foreach (var (name, description) in _descriptions.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name}_total {description}\n# TYPE {name}_total counter\n");
            foreach (var ((_, labels), value) in _values.Where(v => v.Key.Name == name).OrderBy(v => v.Key.Labels, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"{name}_total{labels} {value}\n");
            }
        }

        // Histograms as summaries without quantiles: sum and count are what rates and averages need.
        foreach (var (name, description) in _summaries.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {description}\n# TYPE {name} summary\n");
            foreach (var ((_, labels), (sum, count)) in _observations.Where(v => v.Key.Name == name).OrderBy(v => v.Key.Labels, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"{name}_sum{labels} {sum}\n{name}_count{labels} {count}\n");
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void OnObservation(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state) =>
        _observations.AddOrUpdate((instrument.Name, Labels(tags)), (value, 1), (_, old) => (old.Sum + value, old.Count + 1));

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        tags.Length == 0 ? string.Empty : "{" + string.Join(',', tags.ToArray().Select(t => $"{t.Key}=\"{t.Value}\"")) + "}";

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        _values.AddOrUpdate((instrument.Name, Labels(tags)), value, (_, old) => old + value);
    }
}
