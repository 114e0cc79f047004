using ProductKeys.Client.Store;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Licensing;

/// <summary>
/// Re-checks a stored activation on every load: the certificate must verify against the trusted
/// publisher keys (the product's anchors, else the store's list), be for this product and bound to the hardware ID it was stored with, and
/// the current hardware must be within tolerance of it.
/// </summary>
internal static class StoredActivationVerifier
{
    public static (ActivationCheck Check, string? Detail) Check(StoredLicense license, HardwareId? current, TimeProvider time, TrustedKeySet trust)
    {
        if (license.Activation is not { } activation)
        {
            return (ActivationCheck.None, null);
        }

        if (activation.Kind == ActivationKind.Kms)
        {
            return Kms.KmsCertificateCheck.CheckStored(license, activation, current, trust, time);
        }

        var certificate = ActivationCertificate.Verify(activation.Certificate, trust, time);
        if (!certificate.IsSuccess)
        {
            return (ActivationCheck.Invalid, certificate.Refusal.ToString());
        }

        var cert = certificate.Value;
        if (cert.ProductId != license.ProductId || cert.HardwareId != activation.HardwareId)
        {
            return (ActivationCheck.Invalid, "The stored certificate is for another product or device.");
        }

        if (current is not { } now || !HardwareId.TryParse(activation.HardwareId, out var activated))
        {
            return (ActivationCheck.HardwareChanged, "This device's hardware could not be read.");
        }

        var match = HardwareId.Compare(activated, now);
        return match.IsSameDevice
            ? (ActivationCheck.Holds, null)
            : (ActivationCheck.HardwareChanged, $"Only {match.MatchedVotes} of {match.AvailableVotes} hardware votes still match.");
    }

    public static TrustedKeySet TrustedKeys(StoredLicense license) =>
        new(license.TrustedKeys.Select(TrustedKey.FromPem));
}
