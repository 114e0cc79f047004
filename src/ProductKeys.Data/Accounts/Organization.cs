namespace ProductKeys.Data.Accounts;

/// <summary>A customer's directory.</summary>
public sealed class Organization
{
    public Guid Id { get; set; }

    public required string Name { get; set; }
}
