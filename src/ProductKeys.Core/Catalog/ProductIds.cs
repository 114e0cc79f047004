namespace ProductKeys.Core.Catalog;

/// <summary>
/// What a product ID may be, for the catalog and for every device that names one: a slug such as
/// <c>contoso-desktop</c>. It names a folder on devices (the default license store) and is printed, so
/// it holds no separator, dot, space or control character (docs/product.md §9).
/// </summary>
public static class ProductIds
{
    /// <summary>The longest product ID.</summary>
    public const int MaxLength = 64;

    /// <summary>The rule in words, for refusals.</summary>
    public const string Rule = "1 to 64 characters: a lower-case letter a-z first, then lower-case letters, digits 0-9 and hyphens";

    /// <summary>True for a lower-case ASCII letter followed by up to 63 lower-case ASCII letters, digits and hyphens.</summary>
    /// <param name="id">The ID as given.</param>
    public static bool IsValid(string? id) =>
        id is { Length: >= 1 and <= MaxLength } && char.IsAsciiLetterLower(id[0])
        && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
