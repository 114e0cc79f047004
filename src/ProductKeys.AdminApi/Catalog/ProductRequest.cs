namespace ProductKeys.AdminApi.Catalog;

/// <summary>Body of POST /api/v1/products; optional fields take the category's defaults.</summary>
public sealed record ProductRequest(
    string? Id, string? Name, string? Category, int? KeyGroup, bool? YieldsKmsHostKey,
    int? HeadroomPercent, int? HeadroomMinimum, int? KmsThreshold, string? CalType = null);
