namespace ProductKeys.Data.Orders;

/// <summary>A purchase of one product; split CAL purchases share a <see cref="PurchaseId"/>.</summary>
public sealed class Order
{
    public Guid Id { get; set; }

    public Guid BillingAccountId { get; set; }

    public required string ProductId { get; set; }

    public int Quantity { get; set; }

    public Guid PurchaseId { get; set; }

    public Guid PlacedByUserId { get; set; }

    public DateTimeOffset PlacedAt { get; set; }
}
