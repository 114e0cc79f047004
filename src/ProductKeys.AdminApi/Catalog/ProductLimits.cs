namespace ProductKeys.AdminApi.Catalog;

/// <summary>The ranges POST /api/v1/products accepts: the service refuses outside them, and <c>pk products create</c> checks them first to name the option.</summary>
public static class ProductLimits
{
    public const int MinHeadroomPercent = 100;
    public const int MaxHeadroomPercent = 1000;
    public const int MaxHeadroomMinimum = 1_000_000;
    public const int MaxKmsThreshold = 1000;

    /// <summary>The categories, as the API spells them.</summary>
    public static IReadOnlyList<string> Categories { get; } = ["Desktop", "Server", "Cal"];

    /// <summary>The CAL types a Cal product takes (default PerUser); other categories take none.</summary>
    public static IReadOnlyList<string> CalTypes { get; } = ["PerUser", "PerDevice"];
}
