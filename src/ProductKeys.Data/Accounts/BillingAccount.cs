namespace ProductKeys.Data.Accounts;

/// <summary>A customer's agreement; keys belong to it.</summary>
public sealed class BillingAccount
{
    public Guid Id { get; set; }

    public Guid OrganizationId { get; set; }

    public required string Name { get; set; }
}
