using System.Globalization;
using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Signing;

/// <summary>
/// Verifies signed artifacts against a set of trusted keys. Checks the signature over exactly the
/// bytes received (nothing is re-serialized), then the purpose, then the validity period.
/// Never throws on bad input: everything wrong is a <see cref="Refusal"/>.
/// </summary>
public sealed class ArtifactVerifier
{
    private readonly TrustedKeySet _trusted;
    private readonly TimeProvider _time;
    private readonly TimeSpan _allowedClockSkew;

    /// <summary>Verifies with the <see cref="DefaultAllowedClockSkew"/>.</summary>
    public ArtifactVerifier(TrustedKeySet trusted, TimeProvider time)
        : this(trusted, time, DefaultAllowedClockSkew)
    {
    }

    /// <summary>Verifies allowing an artifact to be issued up to <paramref name="allowedClockSkew"/> after "now".</summary>
    public ArtifactVerifier(TrustedKeySet trusted, TimeProvider time, TimeSpan allowedClockSkew)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(allowedClockSkew, TimeSpan.Zero);
        _trusted = trusted ?? throw new ArgumentNullException(nameof(trusted));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _allowedClockSkew = allowedClockSkew;
    }

    /// <summary>
    /// How far in the future an issue time may lie (5 minutes): the signer's clock may run a little
    /// ahead of the verifier's. Expiry gets no such allowance.
    /// </summary>
    public static TimeSpan DefaultAllowedClockSkew { get; } = TimeSpan.FromMinutes(5);

    /// <summary>Verifies the text form (<c>PKA1.</c>…); surrounding whitespace is ignored.</summary>
    /// <returns>
    /// The artifact; or <c>SIGNATURE_INVALID</c> when the text is damaged, signed by an untrusted key,
    /// altered, or of another purpose; or <c>CERTIFICATE_EXPIRED</c> when outside its validity period.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expected"/> is not a defined purpose (a bug, not input).</exception>
    public Outcome<SignedArtifact> Verify(string? text, ArtifactPurpose expected)
    {
        var bytes = ArtifactCodec.TryDecodeText(text, out var problem);
        return bytes is null ? Damaged(problem) : Verify(bytes, expected);
    }

    /// <summary>Verifies the binary form.</summary>
    /// <returns>As <see cref="Verify(string?, ArtifactPurpose)"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expected"/> is not a defined purpose (a bug, not input).</exception>
    public Outcome<SignedArtifact> Verify(ReadOnlySpan<byte> bytes, ArtifactPurpose expected)
    {
        var expectedName = expected.WireName();
        var artifact = ArtifactCodec.TryRead(bytes, out var problem);
        if (artifact is null)
        {
            return Damaged(problem);
        }

        var key = _trusted.Find(artifact.KeyId);
        if (key is null)
        {
            return new Refusal(ErrorCatalogue.SignatureInvalid,
                $"The artifact is signed by key {artifact.KeyId}, which is not trusted here: trust the publisher's current keys.");
        }

        var signed = bytes[..^P256.SignatureSize];
        if (!key.Verify(signed, bytes[^P256.SignatureSize..]))
        {
            return new Refusal(ErrorCatalogue.SignatureInvalid,
                $"The signature of key {key.KeyId} does not verify: the artifact was altered.");
        }

        if (artifact.Purpose != expected)
        {
            return new Refusal(ErrorCatalogue.SignatureInvalid,
                $"This is a {artifact.Purpose.WireName()}, not a {expectedName}: it cannot be used here.");
        }

        var now = _time.GetUtcNow();
        if (artifact.Expires is { } expires && now > expires)
        {
            return new Refusal(ErrorCatalogue.CertificateExpired,
                $"The {expectedName} expired at {Format(expires)} (now {Format(now)}): renew it.");
        }

        // A difference, not a sum: 'now' may be a device's stored clock mark at the end of the calendar.
        if (artifact.IssuedAt - now > _allowedClockSkew)
        {
            return new Refusal(ErrorCatalogue.CertificateExpired,
                $"The {expectedName} is not valid before {Format(artifact.IssuedAt)} (now {Format(now)}): check this device's date and time.");
        }

        return artifact;
    }

    private static Refusal Damaged(string problem) =>
        new(ErrorCatalogue.SignatureInvalid, $"This is not a usable signed artifact: {problem}.");

    private static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
