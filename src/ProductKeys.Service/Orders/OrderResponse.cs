namespace ProductKeys.Service.Orders;

internal sealed record OrderResponse(Guid Id, Guid BillingAccountId, string Product, int Quantity, Guid PurchaseId, DateTimeOffset PlacedAt, IReadOnlyList<KeyPackageResponse> KeyPackages);
