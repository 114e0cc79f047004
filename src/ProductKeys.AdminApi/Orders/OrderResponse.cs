namespace ProductKeys.AdminApi.Orders;

/// <summary>One order and the key packages it yielded.</summary>
public sealed record OrderResponse(Guid Id, Guid BillingAccountId, string Product, int Quantity, Guid PurchaseId, DateTimeOffset PlacedAt, IReadOnlyList<KeyPackageResponse> KeyPackages);
