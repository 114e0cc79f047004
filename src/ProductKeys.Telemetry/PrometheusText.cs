using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ProductKeys.Telemetry;

/// <summary>
/// One OpenTelemetry metric in the Prometheus text exposition format 0.0.4: dots become underscores,
/// the unit is appended (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>), monotonic sums are
/// counters named <c>…_total</c>, other sums and gauges are gauges, histograms have cumulative
/// <c>_bucket{le=…}</c> lines, <c>_sum</c> and <c>_count</c>.
/// </summary>
internal static class PrometheusText
{
    public static void Write(StringBuilder text, Metric metric)
    {
        var name = Name(metric);
        var type = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.DoubleSum => "counter",
            MetricType.Histogram => "histogram",
            MetricType.LongGauge or MetricType.DoubleGauge or MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => "gauge",
            _ => null, // Exponential histograms have no text form; no view of ours makes one.
        };
        if (type is null)
        {
            return;
        }

        if (!string.IsNullOrEmpty(metric.Description))
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(metric.Description)).Append('\n');
        }

        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            switch (metric.MetricType)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    Sample(text, name, point.Tags, null, Number(point.GetSumLong()));
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    Sample(text, name, point.Tags, null, Number(point.GetSumDouble()));
                    break;
                case MetricType.LongGauge:
                    Sample(text, name, point.Tags, null, Number(point.GetGaugeLastValueLong()));
                    break;
                case MetricType.DoubleGauge:
                    Sample(text, name, point.Tags, null, Number(point.GetGaugeLastValueDouble()));
                    break;
                case MetricType.Histogram:
                    Histogram(text, name, point);
                    break;
            }
        }
    }

    /// <summary>The Prometheus name: sanitized, with the unit and, for counters, <c>_total</c>.</summary>
    public static string Name(Metric metric)
    {
        var name = Sanitize(metric.Name, allowColon: true);
        var unit = metric.Unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            _ => null, // "{request}" and the like are annotations, not units; "1" is dimensionless.
        };
        if (unit is not null && !name.EndsWith("_" + unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }

        if (metric.MetricType is MetricType.LongSum or MetricType.DoubleSum && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    private static void Histogram(StringBuilder text, string name, in MetricPoint point)
    {
        var cumulative = 0L;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            cumulative += bucket.BucketCount;
            Sample(text, name + "_bucket", point.Tags, Number(bucket.ExplicitBound), cumulative.ToString(CultureInfo.InvariantCulture));
        }

        Sample(text, name + "_sum", point.Tags, null, Number(point.GetHistogramSum()));
        Sample(text, name + "_count", point.Tags, null, Number(point.GetHistogramCount()));
    }

    private static void Sample(StringBuilder text, string name, ReadOnlyTagCollection tags, string? le, string value)
    {
        text.Append(name);
        if (tags.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var tag in tags)
            {
                Label(text, ref first, Sanitize(tag.Key, allowColon: false), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty);
            }

            if (le is not null)
            {
                Label(text, ref first, "le", le);
            }

            text.Append('}');
        }

        text.Append(' ').Append(value).Append('\n');
    }

    private static void Label(StringBuilder text, ref bool first, string name, string value)
    {
        if (!first)
        {
            text.Append(',');
        }

        first = false;
        text.Append(name).Append("=\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }

        text.Append('"');
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Letters, digits and underscores (and colons in metric names); anything else becomes '_', and a leading digit gets one before it.</summary>
    private static string Sanitize(string name, bool allowColon)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        if (text.Length == 0 || char.IsAsciiDigit(text[0]))
        {
            text.Insert(0, '_');
        }

        return text.ToString();
    }
}
