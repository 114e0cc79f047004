namespace ProductKeys.AdminApi.Catalog;

/// <summary>A catalog product with its public setup key and KMS client setup key; a CAL product's mode (PerUser or PerDevice).</summary>
public sealed record ProductResponse(
    string Id, string Name, string Category, int KeyGroup, IReadOnlyList<string> OrderYields,
    int HeadroomPercent, int HeadroomMinimum, int KmsThreshold, string SetupKey, string? KmsClientSetupKey, string? CalType = null);
