using System.Globalization;
using System.Text;

namespace ProductKeys.Service.Hosting;

/// <summary>
/// User-supplied text on its way into a log line: control characters (CR/LF forge log lines, ESC
/// drives terminals) and bidirectional overrides (they reorder what a reader sees) become \uXXXX, and
/// long text is cut, so one request writes one honest line.
/// </summary>
internal static class LogText
{
    public const int MaxLength = 200;

    public static string Safe(string? text)
    {
        if (text is null)
        {
            return "(none)";
        }

        var cut = text.Length > MaxLength;
        var span = cut ? text.AsSpan(0, MaxLength) : text.AsSpan();
        if (!cut && !text.Any(IsUnsafe))
        {
            return text;
        }

        var encoded = new StringBuilder(span.Length + 16);
        foreach (var c in span)
        {
            if (IsUnsafe(c))
            {
                encoded.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                encoded.Append(c);
            }
        }

        return cut ? encoded.Append('…').ToString() : encoded.ToString();
    }

    /// <summary>Control characters, bidi embeddings/overrides/isolates and marks: what a log line must never carry raw.</summary>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
