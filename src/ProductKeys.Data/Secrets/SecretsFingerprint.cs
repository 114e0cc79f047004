namespace ProductKeys.Data.Secrets;

/// <summary>
/// One row: which publisher secrets the database's keys were issued under, recorded by the first
/// node to start. Only one-way fingerprints and public key ids, never a secret
/// (docs/adr/0017-token-lifecycle-and-shared-throttles.md).
/// </summary>
public sealed class SecretsFingerprint
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    /// <summary>Lower-case hex HMAC-SHA256(master, "pk-secrets-fingerprint-v1") of <c>key-groups.key</c>.</summary>
    public required string KeyGroupsFingerprint { get; set; }

    /// <summary>The publisher signing key ids, comma-separated.</summary>
    public required string SigningKeyIds { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}
