using System.Globalization;

namespace ProductKeys.Service.Tests.Operations;

/// <summary>Reads one sample of a /metrics page: the value after "NAME{LABELS} ", or 0 when the series is absent.</summary>
internal static class PrometheusPage
{
    public static double Value(string page, string series)
    {
        foreach (var line in page.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
