using ProductKeys.Core.Cal;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Certificates;

/// <summary>
/// A per-device CAL (docs/product.md §5, §8; docs/formats/device-cal-v1.md): a CAL server says "this
/// device holds a CAL of this product until this time". Purpose <c>pk/device-cal/v1</c>, signed by
/// the CAL server's own key, bound to the device ID. Field order: calId, product, kind, serverId,
/// packId. It is only believed together with the pack certificate it names: publisher → pack → CAL.
/// </summary>
/// <param name="CalId">The CAL server's id of this CAL.</param>
/// <param name="ProductId">The CAL product.</param>
/// <param name="Kind"><c>Temporary</c> (the first connection, 90 days) or <c>Permanent</c>.</param>
/// <param name="DeviceId">The device the CAL is bound to.</param>
/// <param name="IssuedAt">When the CAL server signed it.</param>
/// <param name="Expires">When it stops being valid unless the device connects again.</param>
/// <param name="Pack">The pack certificate that vouches for the signer.</param>
/// <param name="Text">The signed artifact, text form, byte for byte.</param>
public sealed record DeviceCal(
    string CalId,
    string ProductId,
    DeviceCalKind Kind,
    string DeviceId,
    DateTimeOffset IssuedAt,
    DateTimeOffset Expires,
    CalPackCertificate Pack,
    string Text)
{
    /// <summary>Signs a device CAL with the CAL server's key.</summary>
    /// <param name="serverSigner">The signer holding the CAL server's private key (the key in <paramref name="pack"/>).</param>
    /// <param name="pack">A per-device pack certificate of this server.</param>
    /// <param name="calId">The server's id of this CAL.</param>
    /// <param name="kind">Temporary or permanent.</param>
    /// <param name="deviceId">The device's ID.</param>
    /// <param name="expires">When it lapses.</param>
    /// <exception cref="ArgumentException">The signer is not the pack's server key, or the pack is not per device.</exception>
    public static DeviceCal Issue(ArtifactSigner serverSigner, CalPackCertificate pack, string calId, DeviceCalKind kind, string deviceId, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(serverSigner);
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceId);
        if (serverSigner.KeyId != pack.ServerPublicKey.KeyId)
        {
            throw new ArgumentException("The signer is not the key the pack certificate names.", nameof(serverSigner));
        }

        if (pack.Mode != CalMode.PerDevice || !Enum.IsDefined(kind))
        {
            throw new ArgumentException("A device CAL comes from a per-device pack and is temporary or permanent.", nameof(pack));
        }

        var artifact = serverSigner.Sign(
            ArtifactPurpose.DeviceCal,
            [
                new("calId", calId),
                new("product", pack.ProductId),
                new("kind", kind.ToString()),
                new("serverId", pack.ServerId),
                new("packId", pack.PackId),
            ],
            expires,
            boundTo: deviceId);
        return new DeviceCal(calId, pack.ProductId, kind, deviceId, artifact.IssuedAt, artifact.Expires!.Value, pack, artifact.ToText());
    }

    /// <summary>
    /// Verifies the whole chain offline: the pack certificate against the publisher keys, then the CAL
    /// against the server key that certificate names, then that they agree (same server, pack and
    /// product, a per-device pack) and that the CAL is bound to <paramref name="deviceId"/>.
    /// </summary>
    /// <param name="calText">The device CAL, text form.</param>
    /// <param name="packText">The pack certificate the CAL server sent with it.</param>
    /// <param name="publisherKeys">The publisher keys the device trusts.</param>
    /// <param name="time">The device's clock.</param>
    /// <param name="deviceId">The device's own ID: a CAL bound to another device is refused.</param>
    /// <returns>The CAL, or <c>SIGNATURE_INVALID</c> / <c>CERTIFICATE_EXPIRED</c>.</returns>
    public static Outcome<DeviceCal> Verify(string? calText, string? packText, TrustedKeySet publisherKeys, TimeProvider time, string deviceId)
    {
        var pack = CalPackCertificate.Verify(packText, publisherKeys, time);
        if (!pack.IsSuccess)
        {
            return new Refusal(pack.Refusal.Error, $"Pack certificate: {pack.Refusal.Detail}");
        }

        var p = pack.Value;
        var verified = new ArtifactVerifier(new TrustedKeySet(p.ServerPublicKey), time).Verify(calText, ArtifactPurpose.DeviceCal);
        if (!verified.IsSuccess)
        {
            return new Refusal(verified.Refusal.Error, $"Device CAL: {verified.Refusal.Detail}");
        }

        var a = verified.Value;
        if (a.Get("calId") is not { Length: > 0 } calId || a.Get("product") is not { } product || a.Get("serverId") is not { } serverId
            || a.Get("packId") is not { } packId || !EnumName.TryParse<DeviceCalKind>(a.Get("kind"), ignoreCase: false, out var kind)
            || a.BoundTo is not { } boundTo || a.Expires is not { } expires)
        {
            return Invalid("The device CAL lacks a required field.");
        }

        if (serverId != p.ServerId || packId != p.PackId || product != p.ProductId || p.Mode != CalMode.PerDevice)
        {
            return Invalid($"The device CAL names server '{serverId}' and pack '{packId}', which the attached per-device pack certificate is not.");
        }

        if (!CalPolicy.SameName(boundTo, deviceId))
        {
            return Invalid($"The device CAL is bound to device '{boundTo}', not '{deviceId}'.");
        }

        if (a.IssuedAt < p.IssuedAt)
        {
            return Invalid("The device CAL was issued before its pack certificate.");
        }

        return new DeviceCal(calId, product, kind, boundTo, a.IssuedAt, expires, p, calText!.Trim());
    }

    private static Refusal Invalid(string detail) => new(ErrorCatalogue.SignatureInvalid, detail);
}
