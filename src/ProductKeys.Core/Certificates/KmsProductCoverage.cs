namespace ProductKeys.Core.Certificates;

/// <summary>
/// One product a KMS host may activate, with its activation threshold, as written into the host
/// certificate so the host needs no catalog (docs/product.md §4: 25 for desktop products, 5 for server products).
/// </summary>
/// <param name="ProductId">The product id in the publisher's catalog.</param>
/// <param name="Threshold">Distinct clients the host must have seen before it activates any (1 or more).</param>
public sealed record KmsProductCoverage(string ProductId, int Threshold);
