namespace ProductKeys.Core.Signing;

/// <summary>Signs artifacts with one <see cref="SigningKey"/>, stamping the issue time from a <see cref="TimeProvider"/>.</summary>
/// <param name="key">The signing key; the signer does not dispose it.</param>
/// <param name="time">The clock for <see cref="SignedArtifact.IssuedAt"/>.</param>
public sealed class ArtifactSigner(SigningKey key, TimeProvider time)
{
    private readonly SigningKey _key = key ?? throw new ArgumentNullException(nameof(key));
    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));

    /// <summary>The ID of the key this signer signs with.</summary>
    public string KeyId => _key.KeyId;

    /// <summary>Signs an artifact issued now. Times are kept to the whole second (rounded down).</summary>
    /// <param name="purpose">What the artifact is for; the verifier must expect the same purpose.</param>
    /// <param name="fields">
    /// Named values in the order to keep. Names are 1 to 64 characters of <c>A-Z a-z 0-9 . _ -</c>,
    /// each used once; values are any text.
    /// </param>
    /// <param name="expires">When it stops being valid; must be at least a second after now. <c>null</c>: never.</param>
    /// <param name="boundTo">The hardware or installation ID it is bound to (1 to 1024 UTF-8 bytes), or <c>null</c>.</param>
    /// <exception cref="ArgumentException">
    /// A name, value, binding or expiry the format cannot carry, or an artifact over 1 MiB.
    /// </exception>
    public SignedArtifact Sign(
        ArtifactPurpose purpose, IReadOnlyList<KeyValuePair<string, string>> fields, DateTimeOffset? expires = null, string? boundTo = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().ToUnixTimeSeconds());
        DateTimeOffset? expiresAt = expires is { } e ? DateTimeOffset.FromUnixTimeSeconds(e.ToUnixTimeSeconds()) : null;
        if (expiresAt <= issuedAt)
        {
            throw new ArgumentOutOfRangeException(nameof(expires), expires, "An artifact must expire after it is issued.");
        }

        var body = ArtifactCodec.WriteBody(
            purpose, _key.PublicKey.KeyIdBytes, issuedAt.ToUnixTimeSeconds(), expiresAt?.ToUnixTimeSeconds(), boundTo, fields);
        var signature = _key.Sign(body);
        var bytes = new byte[body.Length + signature.Length];
        body.CopyTo(bytes, 0);
        signature.CopyTo(bytes, body.Length);
        return new SignedArtifact(bytes, purpose, _key.KeyId, issuedAt, expiresAt, boundTo, [.. fields]);
    }
}
