using System.Text.Json;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Certificates;

/// <summary>
/// A KMS host certificate (docs/product.md §4, §8; docs/formats/kms-certificates-v1.md): the publisher says
/// "this host, holding this public key, may activate these products for this billing account".
/// Purpose <c>pk/kms-host-certificate/v1</c>, bound to the host ID. Field order: hostId, hostKeyId,
/// hostPublicKey, products, billingAccount.
/// </summary>
/// <param name="HostId">The host's ID.</param>
/// <param name="HostPublicKey">The host's own public key; it signs client certificates.</param>
/// <param name="Products">The products the host may activate, with their thresholds.</param>
/// <param name="BillingAccount">The customer's billing account the host key was sold to.</param>
/// <param name="IssuedAt">When the publisher signed it.</param>
/// <param name="Expires">When it stops being valid; <c>null</c>: a host activation is permanent.</param>
/// <param name="Text">The signed artifact, text form, byte for byte.</param>
public sealed record KmsHostCertificate(
    string HostId,
    TrustedKey HostPublicKey,
    IReadOnlyList<KmsProductCoverage> Products,
    string BillingAccount,
    DateTimeOffset IssuedAt,
    DateTimeOffset? Expires,
    string Text)
{
    /// <summary>Most products one host certificate carries.</summary>
    public const int MaxProducts = 256;

    /// <summary>The threshold for a product, or <c>null</c> when the certificate does not cover it.</summary>
    public int? ThresholdFor(string productId) =>
        Products.FirstOrDefault(p => string.Equals(p.ProductId, productId, StringComparison.Ordinal))?.Threshold;

    /// <summary>The coverage of a product (threshold, key group), or <c>null</c> when the certificate does not cover it.</summary>
    public KmsProductCoverage? CoverageOf(string productId) =>
        Products.FirstOrDefault(p => string.Equals(p.ProductId, productId, StringComparison.Ordinal));

    /// <summary>The count cap of docs/product.md §4: twice the highest threshold the host serves.</summary>
    public int CountCap => 2 * Products.Max(p => p.Threshold);

    /// <summary>
    /// Signs a host certificate. The issue time is the signer's clock (<see cref="ArtifactSigner"/>).
    /// </summary>
    /// <param name="publisher">The publisher's signer.</param>
    /// <param name="hostId">The host's ID, as the host sent it.</param>
    /// <param name="hostPublicKeyPem">The host's public key (PEM <c>PUBLIC KEY</c>), as the host sent it.</param>
    /// <param name="products">The products covered, with thresholds (at least one).</param>
    /// <param name="billingAccount">The customer's billing account.</param>
    /// <param name="expires">Optional expiry; <c>null</c> (the default) for a permanent host activation.</param>
    /// <exception cref="FormatException">The public key is not a P-256 PEM key.</exception>
    /// <exception cref="ArgumentException">No products, a bad threshold, or an empty id.</exception>
    public static KmsHostCertificate Issue(
        ArtifactSigner publisher,
        string hostId,
        string hostPublicKeyPem,
        IReadOnlyList<KmsProductCoverage> products,
        string billingAccount,
        DateTimeOffset? expires = null)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentException.ThrowIfNullOrWhiteSpace(hostId);
        ArgumentException.ThrowIfNullOrWhiteSpace(billingAccount);
        ArgumentNullException.ThrowIfNull(products);
        if (CheckProducts(products) is { } problem)
        {
            throw new ArgumentException(problem, nameof(products));
        }

        var hostKey = TrustedKey.FromPem(hostPublicKeyPem);
        var artifact = publisher.Sign(
            ArtifactPurpose.KmsHostCertificate,
            [
                new("hostId", hostId),
                new("hostKeyId", hostKey.KeyId),
                new("hostPublicKey", hostKey.ToPem()),
                new("products", JsonSerializer.Serialize(products, KmsCertificateJsonContext.Default.IReadOnlyListKmsProductCoverage)),
                new("billingAccount", billingAccount),
            ],
            expires,
            boundTo: hostId);
        return new KmsHostCertificate(hostId, hostKey, [.. products], billingAccount, artifact.IssuedAt, artifact.Expires, artifact.ToText());
    }

    /// <summary>Verifies a host certificate against the publisher keys.</summary>
    /// <returns>The certificate, or <c>SIGNATURE_INVALID</c> / <c>CERTIFICATE_EXPIRED</c>.</returns>
    public static Outcome<KmsHostCertificate> Verify(string? text, TrustedKeySet publisherKeys, TimeProvider time)
    {
        var verified = new ArtifactVerifier(publisherKeys, time).Verify(text, ArtifactPurpose.KmsHostCertificate);
        if (!verified.IsSuccess)
        {
            return verified.Refusal;
        }

        var a = verified.Value;
        if (a.Get("hostId") is not { } hostId || a.BoundTo != hostId || a.Get("hostKeyId") is not { } hostKeyId
            || a.Get("hostPublicKey") is not { } pem || a.Get("products") is not { } productsJson
            || a.Get("billingAccount") is not { } billingAccount)
        {
            return Invalid("The host certificate lacks a required field.");
        }

        TrustedKey hostKey;
        List<KmsProductCoverage>? products;
        try
        {
            hostKey = TrustedKey.FromPem(pem);
            products = JsonSerializer.Deserialize(productsJson, KmsCertificateJsonContext.Default.ListKmsProductCoverage);
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return Invalid($"The host certificate has an unreadable field: {e.Message}");
        }

        if (hostKey.KeyId != hostKeyId || products is null || CheckProducts(products) is not null)
        {
            return Invalid("The host certificate's key or product list is inconsistent.");
        }

        return new KmsHostCertificate(hostId, hostKey, products, billingAccount, a.IssuedAt, a.Expires, text!.Trim());
    }

    private static string? CheckProducts(IReadOnlyList<KmsProductCoverage> products)
    {
        if (products.Count is 0 or > MaxProducts)
        {
            return $"A host certificate covers 1 to {MaxProducts} products.";
        }

        if (products.Any(p => p is null || string.IsNullOrWhiteSpace(p.ProductId) || p.Threshold is < 1 or > 1000 || p.KeyGroup is < 0))
        {
            return "Every product needs an id, a threshold from 1 to 1000, and no negative key group.";
        }

        return products.Select(p => p.ProductId).Distinct(StringComparer.Ordinal).Count() == products.Count
            ? null
            : "A product is listed twice.";
    }

    private static Refusal Invalid(string detail) => new(ErrorCatalogue.SignatureInvalid, detail);
}
