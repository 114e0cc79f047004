using ProductKeys.Data.Catalog;

namespace ProductKeys.Service.Catalog;

/// <summary>
/// The KMS activation threshold a product gets when the publisher sets none (public practice): a
/// KMS host activates clients of a desktop product once it has seen 25 distinct clients, of a server
/// product once it has seen 5 (docs/product.md §4). CAL products are not activated through KMS.
/// The host learns each product's threshold from its host certificate, never from this class.
/// </summary>
internal static class KmsThresholds
{
    public const int Desktop = 25;
    public const int Server = 5;

    public static int DefaultFor(ProductCategory category) => category switch
    {
        ProductCategory.Desktop => Desktop,
        ProductCategory.Server => Server,
        _ => 0,
    };
}
