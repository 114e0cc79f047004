using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Certificates;

/// <summary>
/// A MAK activation certificate (docs/product.md §8): signed by the publisher, bound to one hardware ID, no
/// expiry. It names the key by its id and last five characters, never the whole key.
/// Field order (docs/formats/activation-certificate-v1.md): activationId, product, keyId, partialKey.
/// </summary>
/// <param name="ActivationId">The service's id of this activation.</param>
/// <param name="ProductId">The product activated.</param>
/// <param name="KeyId">The service's id of the MAK (not the key).</param>
/// <param name="PartialKey">The MAK's last five characters.</param>
/// <param name="HardwareId">The hardware ID (text form) the activation is bound to.</param>
/// <param name="IssuedAt">When the service signed it.</param>
/// <param name="Text">The signed artifact, byte for byte, in text form.</param>
public sealed record ActivationCertificate(
    string ActivationId,
    string ProductId,
    string KeyId,
    string PartialKey,
    string HardwareId,
    DateTimeOffset IssuedAt,
    string Text)
{
    /// <summary>Signs a new certificate.</summary>
    public static ActivationCertificate Issue(ArtifactSigner signer, string activationId, string productId, string keyId, string partialKey, string hardwareId)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var artifact = signer.Sign(
            ArtifactPurpose.ActivationCertificate,
            [
                new("activationId", activationId),
                new("product", productId),
                new("keyId", keyId),
                new("partialKey", partialKey),
            ],
            expires: null,
            boundTo: hardwareId);
        return new ActivationCertificate(activationId, productId, keyId, partialKey, hardwareId, artifact.IssuedAt, artifact.ToText());
    }

    /// <summary>Verifies a certificate's text against trusted publisher keys.</summary>
    public static Outcome<ActivationCertificate> Verify(string? text, TrustedKeySet trusted, TimeProvider time)
    {
        var verified = new ArtifactVerifier(trusted, time).Verify(text, ArtifactPurpose.ActivationCertificate);
        if (!verified.IsSuccess)
        {
            return verified.Refusal;
        }

        var a = verified.Value;
        if (a.Get("activationId") is not { } activationId || a.Get("product") is not { } product
            || a.Get("keyId") is not { } keyId || a.Get("partialKey") is not { } partialKey || a.BoundTo is not { } hardwareId)
        {
            return new Refusal(ErrorCatalogue.SignatureInvalid, "The certificate lacks a required field.");
        }

        return new ActivationCertificate(activationId, product, keyId, partialKey, hardwareId, a.IssuedAt, text!);
    }
}
