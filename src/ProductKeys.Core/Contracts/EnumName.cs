namespace ProductKeys.Core.Contracts;

/// <summary>
/// Reads an enum sent by name, and only by one of its names. <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/>
/// also takes numbers, padding and comma lists ("Desktop,Server" is Server, "Owner,Reader" is Reader), so a
/// request could be given a value it never named; every name that crosses a boundary goes through here.
/// </summary>
public static class EnumName
{
    /// <summary>True when <paramref name="text"/> is exactly one name of <typeparamref name="T"/>.</summary>
    public static bool TryParse<T>(string? text, bool ignoreCase, out T value)
        where T : struct, Enum
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        foreach (var (name, named) in Names<T>.All)
        {
            if (string.Equals(name, text, comparison))
            {
                value = named;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Each enum's names and values, read once (a CAL request and every signed-in request parse one).</summary>
    private static class Names<T>
        where T : struct, Enum
    {
        public static readonly (string Name, T Value)[] All = [.. Enum.GetNames<T>().Select(n => (n, Enum.Parse<T>(n)))];
    }
}
