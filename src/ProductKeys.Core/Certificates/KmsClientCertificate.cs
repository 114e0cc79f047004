using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Certificates;

/// <summary>
/// A KMS client certificate (docs/product.md §4, §8; docs/formats/kms-certificates-v1.md): a KMS host says
/// "this device activated this product through me". Purpose <c>pk/kms-client-certificate/v1</c>,
/// signed by the host's own key, bound to the device's hardware ID, valid 180 days. Field order:
/// activationId, cmid, product, hostId. It is only believed together with the host certificate
/// it names: publisher → host → client.
/// </summary>
/// <param name="ActivationId">The host's id of this activation (or renewal).</param>
/// <param name="Cmid">The client machine ID the device sent.</param>
/// <param name="ProductId">The product activated.</param>
/// <param name="HardwareId">The hardware ID (text form) the certificate is bound to.</param>
/// <param name="IssuedAt">When the host signed it.</param>
/// <param name="Expires">When the activation lapses unless renewed.</param>
/// <param name="Host">The host certificate that vouches for the signer.</param>
/// <param name="Text">The signed artifact, text form, byte for byte.</param>
public sealed record KmsClientCertificate(
    string ActivationId,
    string Cmid,
    string ProductId,
    string HardwareId,
    DateTimeOffset IssuedAt,
    DateTimeOffset Expires,
    KmsHostCertificate Host,
    string Text)
{
    /// <summary>How long a KMS client activation holds without renewal (docs/product.md §3).</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(180);

    /// <summary>Signs a client certificate with the host's key, valid <see cref="Validity"/> from the signer's clock.</summary>
    /// <param name="hostSigner">The signer holding the host's private key (the key in <paramref name="host"/>).</param>
    /// <param name="host">The host's own certificate.</param>
    /// <param name="activationId">The host's id for this activation.</param>
    /// <param name="cmid">The client machine ID.</param>
    /// <param name="productId">The product; must be covered by the host certificate.</param>
    /// <param name="hardwareId">The device's hardware ID (text form).</param>
    /// <param name="now">The host's current time (the signer's clock).</param>
    /// <exception cref="ArgumentException">The signer is not the host's key, or the product is not covered.</exception>
    public static KmsClientCertificate Issue(
        ArtifactSigner hostSigner, KmsHostCertificate host, string activationId, string cmid, string productId, string hardwareId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(hostSigner);
        ArgumentNullException.ThrowIfNull(host);
        if (hostSigner.KeyId != host.HostPublicKey.KeyId)
        {
            throw new ArgumentException("The signer is not the key the host certificate names.", nameof(hostSigner));
        }

        if (host.ThresholdFor(productId) is null)
        {
            throw new ArgumentException($"The host certificate does not cover '{productId}'.", nameof(productId));
        }

        var artifact = hostSigner.Sign(
            ArtifactPurpose.KmsClientCertificate,
            [
                new("activationId", activationId),
                new("cmid", cmid),
                new("product", productId),
                new("hostId", host.HostId),
            ],
            now + Validity,
            boundTo: hardwareId);
        return new KmsClientCertificate(activationId, cmid, productId, hardwareId, artifact.IssuedAt, artifact.Expires!.Value, host, artifact.ToText());
    }

    /// <summary>
    /// Verifies the whole chain offline: the host certificate against the publisher keys, then the
    /// client certificate against the host key that certificate names, then that the two agree
    /// (same host, product covered, issued while the host certificate was valid, valid no longer than <see cref="Validity"/>).
    /// </summary>
    /// <returns>The client certificate, or <c>SIGNATURE_INVALID</c> / <c>CERTIFICATE_EXPIRED</c>.</returns>
    public static Outcome<KmsClientCertificate> Verify(string? clientText, string? hostText, TrustedKeySet publisherKeys, TimeProvider time)
    {
        var host = KmsHostCertificate.Verify(hostText, publisherKeys, time);
        if (!host.IsSuccess)
        {
            return new Refusal(host.Refusal.Error, $"Host certificate: {host.Refusal.Detail}");
        }

        var h = host.Value;
        var verified = new ArtifactVerifier(new TrustedKeySet(h.HostPublicKey), time).Verify(clientText, ArtifactPurpose.KmsClientCertificate);
        if (!verified.IsSuccess)
        {
            return new Refusal(verified.Refusal.Error, $"Client certificate: {verified.Refusal.Detail}");
        }

        var a = verified.Value;
        if (a.Get("activationId") is not { } activationId || a.Get("cmid") is not { } cmid || a.Get("product") is not { } product
            || a.Get("hostId") is not { } hostId || a.BoundTo is not { } hardwareId || a.Expires is not { } expires)
        {
            return Invalid("The client certificate lacks a required field.");
        }

        if (hostId != h.HostId)
        {
            return Invalid($"The client certificate names host '{hostId}', but the attached host certificate is for '{h.HostId}'.");
        }

        if (h.ThresholdFor(product) is null)
        {
            return Invalid($"The host certificate does not cover product '{product}'.");
        }

        if (a.IssuedAt < h.IssuedAt || (h.Expires is { } hostExpires && a.IssuedAt > hostExpires))
        {
            return Invalid("The client certificate was issued outside the host certificate's validity.");
        }

        // The host's key signs the expiry too: a device is activated for at most 180 days from the signing, whatever a host
        // (or someone holding its key file) wrote. The allowance covers a host clock stepped back while it signed.
        if (expires - a.IssuedAt > Validity + ArtifactVerifier.DefaultAllowedClockSkew)
        {
            return Invalid($"The client certificate is valid {(expires - a.IssuedAt).TotalDays:0} days from its signing; a KMS activation lasts at most {Validity.TotalDays:0} days.");
        }

        return new KmsClientCertificate(activationId, cmid, product, hardwareId, a.IssuedAt, expires, h, clientText!.Trim());
    }

    private static Refusal Invalid(string detail) => new(ErrorCatalogue.SignatureInvalid, detail);
}
