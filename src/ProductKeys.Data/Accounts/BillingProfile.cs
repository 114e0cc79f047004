namespace ProductKeys.Data.Accounts;

/// <summary>Part of a billing account (invoices); account roles apply to all its profiles.</summary>
public sealed class BillingProfile
{
    public Guid Id { get; set; }

    public Guid BillingAccountId { get; set; }

    public required string Name { get; set; }
}
