namespace ProductKeys.Service.Orders;

/// <summary>What an order answers: its key packages with key ids and types, never plaintext keys.</summary>
internal sealed record PurchaseResponse(Guid PurchaseId, string Product, int Quantity, IReadOnlyList<OrderResponse> Orders);
