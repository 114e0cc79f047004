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
        foreach (var name in Enum.GetNames<T>())
        {
            if (string.Equals(name, text, comparison))
            {
                value = Enum.Parse<T>(name);
                return true;
            }
        }

        value = default;
        return false;
    }
}
