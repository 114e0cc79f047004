using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Kms;

/// <summary>
/// Checks a KMS client certificate on the device, offline: the chain publisher → host → client
/// (<see cref="KmsClientCertificate.Verify"/>), then that it is for this product, this client and
/// this device.
/// </summary>
internal static class KmsCertificateCheck
{
    /// <summary>
    /// How much sooner than the activation held a renewal may lapse and still be kept: the difference of two hosts' clocks, not
    /// a replay (docs/product.md §3, KMS client timers). A replayed answer older than this is refused.
    /// </summary>
    public static readonly TimeSpan ReplayTolerance = TimeSpan.FromDays(1);

    /// <summary>The activation to store for a certificate a host just sent, or why it is refused.</summary>
    public static Outcome<StoredActivation> ToActivation(
        StoredLicense license, HardwareId current, string? clientCertificate, string? hostCertificate, TrustedKeySet trust, TimeProvider time)
    {
        // A KMS answer is for the KMS client setup key it was asked with; one that arrives after another key was installed
        // ('pk ipk MAK' beside 'pk agent') must not make that key Licensed through a KMS host (found by a hostile review).
        if (license.KeyType != KeyType.KmsClientSetup)
        {
            return new Refusal(ErrorCatalogue.Conflict,
                "The installed key is no longer a KMS client setup key: the KMS host's answer was for the key installed before, and is not kept.");
        }

        var verified = KmsClientCertificate.Verify(clientCertificate, hostCertificate, trust, time);
        if (!verified.IsSuccess)
        {
            return verified.Refusal;
        }

        var certificate = verified.Value;
        if (certificate.ProductId != license.ProductId)
        {
            return new Refusal(ErrorCatalogue.SignatureInvalid, $"The KMS host activated product '{certificate.ProductId}', not '{license.ProductId}'.");
        }

        // A KMS client setup key of another product, installed with --product of this one: the
        // publisher's host certificate says each product's key group.
        if (certificate.Host.CoverageOf(certificate.ProductId)?.CheckKeyGroup(KeyGroup(license)) is { } notForProduct)
        {
            return notForProduct;
        }

        if (license.KmsClientMachineId is { } cmid && certificate.Cmid != cmid)
        {
            return new Refusal(ErrorCatalogue.SignatureInvalid, "The client certificate was made for another client machine ID.");
        }

        if (!HardwareId.TryParse(certificate.HardwareId, out var bound) || !HardwareId.Compare(bound, current).IsSameDevice)
        {
            return new Refusal(ErrorCatalogue.HardwareOutOfTolerance, "The client certificate was made for another device.");
        }

        // A renewal never ends much sooner than the activation held: an earlier answer of this device's host, recorded and sent
        // again (it is signed and still valid), would otherwise cut an activation of 180 days down to what that one had left.
        // A host's expiry is its own clock + 180 days, so a host whose clock is behind the last one's answers a little earlier
        // in good faith: up to ReplayTolerance is kept. Only a held activation that verifies counts: an expiry edited into the
        // store must not block the activation that repairs it.
        if (license.Activation is { Kind: ActivationKind.Kms, Expires: { } held } stored && certificate.Expires + ReplayTolerance < held
            && CheckStored(license, stored, current, trust, time).Check == ActivationCheck.Holds)
        {
            return new Refusal(ErrorCatalogue.Conflict,
                $"The KMS host answered with a certificate that lapses {certificate.Expires:yyyy-MM-dd HH:mm} UTC, more than a day before the activation this device holds ({held:yyyy-MM-dd HH:mm} UTC): "
                + "an earlier answer sent again, or a KMS host whose clock is more than a day behind; it is not kept, and the activation held stays.");
        }

        return new StoredActivation(ActivationKind.Kms, certificate.ActivationId, certificate.Text, certificate.HardwareId,
            time.GetUtcNow(), certificate.Expires, certificate.Host.Text);
    }

    /// <summary>The key group of the installed key, or <c>null</c> when none parses.</summary>
    public static int? KeyGroup(StoredLicense license) =>
        ProductKey.Parse(license.Key) is { IsSuccess: true } key ? key.Value.Group : null;

    /// <summary>
    /// Re-checks a stored KMS activation. An activation past its expiry is checked as of its expiry,
    /// so a genuine one that lapsed reads as lapsed (out-of-tolerance grace), not as forged.
    /// </summary>
    public static (ActivationCheck Check, string? Detail) CheckStored(StoredLicense license, StoredActivation activation, HardwareId? current, TrustedKeySet trust, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var asOf = activation.Expires is { } expires && now > expires ? new FixedTime(expires) : time;
        var verified = KmsClientCertificate.Verify(activation.Certificate, activation.HostCertificate, trust, asOf);
        if (!verified.IsSuccess)
        {
            return (ActivationCheck.Invalid, verified.Refusal.ToString());
        }

        var certificate = verified.Value;
        if (certificate.ProductId != license.ProductId || certificate.HardwareId != activation.HardwareId || certificate.Expires != activation.Expires)
        {
            return (ActivationCheck.Invalid, "The stored KMS certificate is for another product or device, or its expiry was altered.");
        }

        if (current is not { } device || !HardwareId.TryParse(activation.HardwareId, out var activated))
        {
            return (ActivationCheck.HardwareChanged, "This device's hardware could not be read.");
        }

        var match = HardwareId.Compare(activated, device);
        return match.IsSameDevice
            ? (ActivationCheck.Holds, null)
            : (ActivationCheck.HardwareChanged, $"Only {match.MatchedVotes} of {match.AvailableVotes} hardware votes still match.");
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
