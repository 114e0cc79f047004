using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Certificates;

/// <summary>
/// One product a KMS host may activate, with its activation threshold, as written into the host
/// certificate so the host needs no catalog (docs/product.md §4: 25 for desktop products, 5 for server products).
/// </summary>
/// <param name="ProductId">The product id in the publisher's catalog.</param>
/// <param name="Threshold">Distinct clients the host must have seen before it activates any (1 or more).</param>
/// <param name="KeyGroup">
/// The product's key group, so host and device can refuse a KMS client setup key of another product
/// (<c>KEY_NOT_FOR_PRODUCT</c>); <c>null</c> in certificates issued before it was carried (then not written at all).
/// </param>
public sealed record KmsProductCoverage(
    string ProductId,
    int Threshold,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] int? KeyGroup = null)
{
    /// <summary>
    /// <c>KEY_NOT_FOR_PRODUCT</c> when a key of <paramref name="keyGroup"/> cannot be for this product;
    /// <c>null</c> when it can, or when either side does not say its group.
    /// </summary>
    /// <param name="keyGroup">The group of the key the device installed.</param>
    public Refusal? CheckKeyGroup(int? keyGroup) =>
        keyGroup is { } group && KeyGroup is { } own && group != own
            ? new Refusal(ErrorCatalogue.KeyNotForProduct, $"The installed key is of key group {group}; product '{ProductId}' is group {own}: install this product's KMS client setup key.")
            : null;
}
