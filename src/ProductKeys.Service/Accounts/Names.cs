namespace ProductKeys.Service.Accounts;

/// <summary>What names may look like: user names are typed on command lines, display names are shown.</summary>
internal static class Names
{
    public static bool IsValidUserName(string? name) => AdminApi.Accounts.UserNameRule.IsValid(name);

    /// <summary>Shown in lists, logs and the audit log: no control characters, no bidi overrides (they reorder what a reader sees).</summary>
    public static bool IsValidDisplayName(string? name) =>
        name is not null && name.Trim().Length is >= 1 and <= 200 && !name.Any(Hosting.LogText.IsUnsafe);

    /// <summary>Product ids are slugs such as <c>contoso-desktop</c>: the rule devices check too (<see cref="Core.Catalog.ProductIds"/>).</summary>
    public static bool IsValidSlug(string? id) => Core.Catalog.ProductIds.IsValid(id);
}
