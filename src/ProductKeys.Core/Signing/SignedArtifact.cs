using System.Security.Cryptography;

namespace ProductKeys.Core.Signing;

/// <summary>
/// A signed artifact, format v1 (docs/product.md §8, docs/formats/signed-artifact-v1.md): an activation
/// certificate, a KMS host or client certificate, a CAL pack, an offline response or a usage
/// report. Only <see cref="ArtifactSigner"/> and <see cref="ArtifactVerifier"/> create one, so an
/// instance is always either freshly signed or verified against a trusted key.
/// </summary>
public sealed class SignedArtifact
{
    private readonly byte[] _bytes;
    private readonly KeyValuePair<string, string>[] _fields;

    internal SignedArtifact(
        byte[] bytes, ArtifactPurpose purpose, string keyId, DateTimeOffset issuedAt, DateTimeOffset? expires,
        string? boundTo, KeyValuePair<string, string>[] fields)
    {
        _bytes = bytes;
        _fields = fields;
        Purpose = purpose;
        KeyId = keyId;
        IssuedAt = issuedAt;
        Expires = expires;
        BoundTo = boundTo;
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
    }

    /// <summary>What the artifact is for.</summary>
    public ArtifactPurpose Purpose { get; }

    /// <summary>The ID of the key that signed it (16 lowercase hex digits).</summary>
    public string KeyId { get; }

    /// <summary>When it was signed, to the second (UTC).</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>When it stops being valid, to the second (UTC); <c>null</c> when it never expires.</summary>
    public DateTimeOffset? Expires { get; }

    /// <summary>
    /// The hardware or installation ID it is bound to, or <c>null</c>. The verifier does not compare
    /// it: the holder checks it against its own identity, with whatever tolerance its rules allow.
    /// </summary>
    public string? BoundTo { get; }

    /// <summary>The named fields, in the order the signer gave them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    /// <summary>The exact bytes, signature included (the last 64 bytes).</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>
    /// The first 8 bytes of SHA-256 of <see cref="Bytes"/>, as hex: names the artifact in logs,
    /// which must never hold a whole certificate.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>The value of the field called <paramref name="name"/> (ordinal), or <c>null</c>.</summary>
    public string? Get(string name)
    {
        foreach (var field in _fields)
        {
            if (string.Equals(field.Key, name, StringComparison.Ordinal))
            {
                return field.Value;
            }
        }

        return null;
    }

    /// <summary>The text form, <c>PKA1.</c> followed by the bytes in unpadded base64url; fits JSON and files.</summary>
    public string ToText() => ArtifactCodec.ToText(_bytes);

    /// <summary>The purpose and fingerprint, never the content.</summary>
    public override string ToString() => $"{Purpose.WireName()} {Fingerprint}";
}
