namespace ProductKeys.AdminApi.Orders;

/// <summary>A key package: what it installs as, and its keys (ids and types only).</summary>
public sealed record KeyPackageResponse(Guid Id, int InstalledQuantity, IReadOnlyList<PackageKeyResponse> Keys);
