using ProductKeys.Core.Keys;

namespace ProductKeys.Data.Keys;

/// <summary>
/// A key sold to a billing account. The plaintext is never stored: it is derived from
/// (type, group, serial) and the group's secret whenever an allowed user asks for it.
/// </summary>
public sealed class IssuedKey
{
    public Guid Id { get; set; }

    public Guid BillingAccountId { get; set; }

    public Guid OrderId { get; set; }

    public Guid KeyPackageId { get; set; }

    public required string ProductId { get; set; }

    public KeyType Type { get; set; }

    public int KeyGroup { get; set; }

    public int Serial { get; set; }

    /// <summary>MAK: devices; KMS host key: distinct hosts.</summary>
    public int ActivationLimit { get; set; }

    /// <summary>Advanced only by a conditional UPDATE ... WHERE ActivationsUsed &lt; ActivationLimit.</summary>
    public int ActivationsUsed { get; set; }

    public KeyStatus Status { get; set; }

    /// <summary>The key-group secret version the key was derived under (docs/adr/0024); 1 for keys from before versions.</summary>
    public int SecretVersion { get; set; } = 1;

    /// <summary>The last five characters, kept so audit entries and logs never need the secret.</summary>
    public required string PartialKey { get; set; }
}
