namespace ProductKeys.Data.Orders;

/// <summary>The keys an order yields, as one package.</summary>
public sealed class KeyPackage
{
    public Guid Id { get; set; }

    public Guid OrderId { get; set; }

    public required string ProductId { get; set; }

    /// <summary>The quantity the package shows when installed (CAL packs: 500 regardless of purchase).</summary>
    public int InstalledQuantity { get; set; }
}
