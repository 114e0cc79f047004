namespace ProductKeys.Service.Accounts;

/// <summary>What names may look like: user names are typed on command lines, display names are shown.</summary>
internal static class Names
{
    public static bool IsValidUserName(string? name) => AdminApi.Accounts.UserNameRule.IsValid(name);

    /// <summary>
    /// Shown in lists, logs and the audit log: no control characters, no bidi overrides (they reorder what a reader sees), no
    /// other format characters (a zero-width space makes two names that print alike), and whole characters only (a lone
    /// surrogate is not text: PostgreSQL could not store it).
    /// </summary>
    public static bool IsValidDisplayName(string? name) =>
        name is not null && name.Trim().Length is >= 1 and <= 200 && !name.Any(Hosting.LogText.IsUnsafe) && IsWholeText(name)
        && !name.Any(c => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);

    /// <summary>A display name as it is kept and compared: trimmed, in Unicode's composed form (NFC), so "Café" typed either way is one name.</summary>
    /// <remarks>Only for a name <see cref="IsValidDisplayName"/> accepted (normalizing a lone surrogate throws).</remarks>
    public static string Canonical(string name) => name.Trim().Normalize(System.Text.NormalizationForm.FormC);

    /// <summary>Text PostgreSQL can compare and store: no NUL, no lone surrogate. Anything else is no name of ours.</summary>
    public static bool IsStorableText(string text) => !text.Contains('\0', StringComparison.Ordinal) && IsWholeText(text);

    private static bool IsWholeText(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsHighSurrogate(name[i]) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(name[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Product ids are slugs such as <c>contoso-desktop</c>: the rule devices check too (<see cref="Core.Catalog.ProductIds"/>).</summary>
    public static bool IsValidSlug(string? id) => Core.Catalog.ProductIds.IsValid(id);
}
