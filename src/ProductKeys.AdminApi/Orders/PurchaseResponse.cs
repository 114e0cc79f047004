namespace ProductKeys.AdminApi.Orders;

/// <summary>What an order answers: its key packages with key ids and types, never plaintext keys.</summary>
public sealed record PurchaseResponse(Guid PurchaseId, string Product, int Quantity, IReadOnlyList<OrderResponse> Orders);
