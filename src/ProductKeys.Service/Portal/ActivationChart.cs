using System.Globalization;
using ProductKeys.Service.Activations;

namespace ProductKeys.Service.Portal;

/// <summary>
/// Activations per day of one product laid out as SVG bars (drawn on the server, no script): one bar per
/// day of the window, scaled to the busiest day of all products so charts compare at a glance.
/// </summary>
internal sealed record ActivationChart(string Product, string Name, IReadOnlyList<ActivationChart.Bar> Bars, int Total)
{
    public const int Width = 600;
    public const int Height = 120;
    public const int Baseline = 100;

    public sealed record Bar(DateOnly Date, int Count, int X, int Y, int BarWidth, int BarHeight)
    {
        public string Label => $"{Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}: {Count}";
    }

    public static List<ActivationChart> Build(IReadOnlyList<ActivationsPerDay.Day> days, IReadOnlyDictionary<string, string> names, DateOnly first, int dayCount)
    {
        var max = Math.Max(1, days.Select(d => d.Count).DefaultIfEmpty(0).Max());
        var slot = Width / dayCount;
        return days.GroupBy(d => d.Product)
            .Select(g =>
            {
                var byDate = g.ToDictionary(d => d.Date, d => d.Count);
                var bars = Enumerable.Range(0, dayCount).Select(i =>
                {
                    var date = first.AddDays(i);
                    var count = byDate.GetValueOrDefault(date);
                    var height = count == 0 ? 0 : Math.Max(2, count * Baseline / max);
                    return new Bar(date, count, i * slot + 1, Baseline - height, Math.Max(1, slot - 2), height);
                }).ToList();
                return new ActivationChart(g.Key, names.GetValueOrDefault(g.Key, g.Key), bars, g.Sum(d => d.Count));
            })
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }
}
