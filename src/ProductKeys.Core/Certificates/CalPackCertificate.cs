using System.Globalization;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Certificates;

/// <summary>
/// A CAL pack certificate (docs/product.md §5, §8; docs/formats/cal-pack-certificate-v1.md): the
/// publisher says "this CAL server, holding this public key, may hand out this many CALs of this
/// product and mode". Purpose <c>pk/cal-pack/v1</c>, bound to the server ID, never expires. Field
/// order: packId, product, mode, purchased, installed, serverId, serverKeyId, serverPublicKey.
/// </summary>
/// <param name="PackId">The pack's ID (the order's key package): installing it again keeps it.</param>
/// <param name="ProductId">The CAL product.</param>
/// <param name="Mode">Per user or per device.</param>
/// <param name="Purchased">The quantity bought in the pack's order.</param>
/// <param name="Installed">The quantity the pack shows on the server (500 unless the purchase was installed).</param>
/// <param name="ServerId">The CAL server's ID.</param>
/// <param name="ServerPublicKey">The CAL server's own key; it signs device CALs.</param>
/// <param name="IssuedAt">When the publisher signed it.</param>
/// <param name="Text">The signed artifact, text form, byte for byte.</param>
public sealed record CalPackCertificate(
    string PackId,
    string ProductId,
    CalMode Mode,
    int Purchased,
    int Installed,
    string ServerId,
    TrustedKey ServerPublicKey,
    DateTimeOffset IssuedAt,
    string Text)
{
    /// <summary>The most CALs one pack may carry.</summary>
    public const int MaxQuantity = 100_000_000;

    /// <summary>Signs a pack certificate; the issue time is the signer's clock.</summary>
    /// <param name="publisher">The publisher's signer.</param>
    /// <param name="packId">The pack's ID.</param>
    /// <param name="productId">The CAL product.</param>
    /// <param name="mode">Per user or per device.</param>
    /// <param name="purchased">The quantity bought.</param>
    /// <param name="installed">The quantity the server may hand out.</param>
    /// <param name="serverId">The CAL server's ID, as it sent it.</param>
    /// <param name="serverPublicKeyPem">The CAL server's public key (PEM <c>PUBLIC KEY</c>), as it sent it.</param>
    /// <exception cref="FormatException">The public key is not a P-256 PEM key.</exception>
    /// <exception cref="ArgumentException">An empty id, an undefined mode or a quantity out of range.</exception>
    public static CalPackCertificate Issue(
        ArtifactSigner publisher, string packId, string productId, CalMode mode, int purchased, int installed, string serverId, string serverPublicKeyPem)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentException.ThrowIfNullOrWhiteSpace(packId);
        ArgumentException.ThrowIfNullOrWhiteSpace(productId);
        ArgumentException.ThrowIfNullOrWhiteSpace(serverId);
        if (!Enum.IsDefined(mode) || purchased is < 1 or > MaxQuantity || installed is < 1 or > MaxQuantity)
        {
            throw new ArgumentException("A pack has a defined mode and quantities from 1 to 100,000,000.");
        }

        var serverKey = TrustedKey.FromPem(serverPublicKeyPem);
        var artifact = publisher.Sign(
            ArtifactPurpose.CalPack,
            [
                new("packId", packId),
                new("product", productId),
                new("mode", mode.ToString()),
                new("purchased", purchased.ToString(CultureInfo.InvariantCulture)),
                new("installed", installed.ToString(CultureInfo.InvariantCulture)),
                new("serverId", serverId),
                new("serverKeyId", serverKey.KeyId),
                new("serverPublicKey", serverKey.ToPem()),
            ],
            expires: null,
            boundTo: serverId);
        return new CalPackCertificate(packId, productId, mode, purchased, installed, serverId, serverKey, artifact.IssuedAt, artifact.ToText());
    }

    /// <summary>Verifies a pack certificate against the publisher keys.</summary>
    /// <returns>The certificate, or <c>SIGNATURE_INVALID</c>.</returns>
    public static Outcome<CalPackCertificate> Verify(string? text, TrustedKeySet publisherKeys, TimeProvider time)
    {
        var verified = new ArtifactVerifier(publisherKeys, time).Verify(text, ArtifactPurpose.CalPack);
        if (!verified.IsSuccess)
        {
            return verified.Refusal;
        }

        var a = verified.Value;
        if (a.Get("packId") is not { Length: > 0 } packId || a.Get("product") is not { Length: > 0 } product
            || !EnumName.TryParse<CalMode>(a.Get("mode"), ignoreCase: false, out var mode)
            || !TryQuantity(a.Get("purchased"), out var purchased) || !TryQuantity(a.Get("installed"), out var installed)
            || a.Get("serverId") is not { Length: > 0 } serverId || a.BoundTo != serverId
            || a.Get("serverKeyId") is not { } serverKeyId || a.Get("serverPublicKey") is not { } pem)
        {
            return Invalid("The CAL pack certificate lacks a required field or has one out of range.");
        }

        if (!TrustedKey.TryFromPem(pem, out var serverKey, out var problem))
        {
            return Invalid($"The CAL pack certificate's server key is unreadable: {problem}");
        }

        if (serverKey.KeyId != serverKeyId)
        {
            return Invalid("The CAL pack certificate's server key does not match its key ID.");
        }

        return new CalPackCertificate(packId, product, mode, purchased, installed, serverId, serverKey, a.IssuedAt, text!.Trim());
    }

    private static bool TryQuantity(string? text, out int quantity) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out quantity) && quantity is >= 1 and <= MaxQuantity
        && text == quantity.ToString(CultureInfo.InvariantCulture);

    private static Refusal Invalid(string detail) => new(ErrorCatalogue.SignatureInvalid, detail);
}
