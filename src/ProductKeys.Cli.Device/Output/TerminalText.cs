using System.Globalization;
using System.Text;

namespace ProductKeys.Cli.Output;

/// <summary>
/// Text on its way to a terminal: a service's problem detail, an offline response file's detail or a
/// store's product can carry ESC and BEL sequences that move the cursor, recolour or redraw the screen
/// (a fake "License state: Licensed"), or bidi overrides that reorder what a reader sees. They are
/// written as <c>\uXXXX</c>; <see cref="CommandOutput"/> sends every line it prints through here.
/// </summary>
internal static class TerminalText
{
    /// <summary>The text with control characters (C0, DEL, C1) and bidi controls escaped.</summary>
    /// <param name="text">What is about to be printed.</param>
    /// <param name="keepLineBreaks">Keep <c>\n</c>: for output made of lines this program composed.</param>
    public static string Safe(string? text, bool keepLineBreaks = false)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(c => IsUnsafe(c) && !(keepLineBreaks && c == '\n')))
        {
            return text ?? "";
        }

        var safe = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (IsUnsafe(c) && !(keepLineBreaks && c == '\n'))
            {
                safe.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                safe.Append(c);
            }
        }

        return safe.ToString();
    }

    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');
}
