namespace ProductKeys.Core.Files;

/// <summary>
/// A path (or any word) as it must be typed into a POSIX shell to reach a program whole: a command <c>pk</c> prints for the
/// operator to copy (<c>run 'pk db migrate --data PATH'</c>) must still name PATH when the path holds a space, a quote, a
/// <c>$</c> or a <c>;</c>.
/// </summary>
public static class ShellWord
{
    /// <summary><paramref name="word"/> unchanged when the shell takes it as it is; else in single quotes, each <c>'</c> written <c>'\''</c>.</summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return word.Length > 0 && word.All(IsPlain) ? word : $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";
    }

    // Characters no POSIX shell gives a meaning to in a word (a '~' or '=' only at its start would).
    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or ',' or ':' or '@' or '+' or '%';
}
