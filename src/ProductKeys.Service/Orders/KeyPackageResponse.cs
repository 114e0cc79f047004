namespace ProductKeys.Service.Orders;

internal sealed record KeyPackageResponse(Guid Id, int InstalledQuantity, IReadOnlyList<PackageKeyResponse> Keys);
