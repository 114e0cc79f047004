namespace ProductKeys.Data.Usage;

/// <summary>
/// A signed usage report a customer uploaded (docs/product.md §5), verified before it was stored: one
/// row per report ID; the newest per server is the true-up picture of its billing account.
/// </summary>
public sealed class StoredUsageReport
{
    public Guid Id { get; set; }

    public required string Source { get; set; }

    public required string ServerId { get; set; }

    public Guid BillingAccountId { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public DateTimeOffset UploadedAt { get; set; }

    public required string UploadedBy { get; set; }

    /// <summary>The lines, as the report carried them (JSON).</summary>
    public required string Lines { get; set; }

    /// <summary>The signed report, text form, byte for byte: it can be verified again at any time.</summary>
    public required string Text { get; set; }
}
