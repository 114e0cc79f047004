using ProductKeys.Core.Keys;
using ProductKeys.Data.Catalog;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Catalog;

/// <summary>A product's public keys: derived keys of its group with the reserved serial 0.</summary>
internal static class CatalogKeys
{
    public const int PublicSerial = 0;

    public static string SetupKey(Product product, KeySecrets secrets) =>
        ProductKey.Derive(KeyType.Setup, product.KeyGroup, PublicSerial, secrets.GroupSecret(product.KeyGroup, KeySecrets.SetupKeyVersion)).ToString();

    /// <summary>CAL products are not activated through KMS hosts, so they have none.</summary>
    public static string? KmsClientSetupKey(Product product, KeySecrets secrets) => product.Category == ProductCategory.Cal
        ? null
        : ProductKey.Derive(KeyType.KmsClientSetup, product.KeyGroup, PublicSerial, secrets.GroupSecret(product.KeyGroup, KeySecrets.SetupKeyVersion)).ToString();

    /// <summary>The key types one order of the product yields to the customer.</summary>
    public static IReadOnlyList<KeyType> OrderYields(Product product) =>
        product.YieldsKmsHostKey ? [KeyType.Mak, KeyType.KmsHost] : [KeyType.Mak];
}
