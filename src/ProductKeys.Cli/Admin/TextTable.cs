using System.Text;

namespace ProductKeys.Cli.Admin;

/// <summary>A text table whose columns are as wide as their longest value, so a long product name never shifts the next column.</summary>
internal static class TextTable
{
    public static string Format(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => all.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in all.Prepend(headers))
        {
            // The last column is not padded: no trailing spaces.
            text.AppendJoin("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i])));
            text.Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }
}
