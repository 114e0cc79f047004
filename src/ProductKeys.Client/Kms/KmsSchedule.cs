using ProductKeys.Client.Store;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Kms;

namespace ProductKeys.Client.Kms;

/// <summary>
/// The KMS client's timers (docs/product.md §3): an activated client renews every 7 days; a client that is not
/// activated yet, or whose renewal failed, retries every 2 hours; the host's answer may override
/// both within 15 minutes and 30 days.
/// </summary>
public static class KmsSchedule
{
    /// <summary>The renewal interval in force for this store.</summary>
    public static TimeSpan RenewalInterval(StoredLicense license) =>
        KmsProtocol.Bound((license ?? throw new ArgumentNullException(nameof(license))).KmsRenewalInterval ?? KmsProtocol.DefaultRenewalInterval);

    /// <summary>The retry interval in force for this store.</summary>
    public static TimeSpan RetryInterval(StoredLicense license) =>
        KmsProtocol.Bound((license ?? throw new ArgumentNullException(nameof(license))).KmsRetryInterval ?? KmsProtocol.DefaultRetryInterval);

    /// <summary>True when an attempt (first activation, retry or renewal) is due at <paramref name="now"/>.</summary>
    public static bool IsDue(StoredLicense license, DateTimeOffset now) =>
        (license ?? throw new ArgumentNullException(nameof(license))).NextRenewalDue is not { } due || now >= due;

    /// <summary>Takes the host's intervals (bounded) from an answer.</summary>
    public static StoredLicense WithHostIntervals(StoredLicense license, KmsActivationResponse answer)
    {
        ArgumentNullException.ThrowIfNull(license);
        ArgumentNullException.ThrowIfNull(answer);
        return license with
        {
            KmsRenewalInterval = answer.RenewalIntervalMinutes > 0 ? KmsProtocol.Bound(TimeSpan.FromMinutes(answer.RenewalIntervalMinutes)) : license.KmsRenewalInterval,
            KmsRetryInterval = answer.RetryIntervalMinutes > 0 ? KmsProtocol.Bound(TimeSpan.FromMinutes(answer.RetryIntervalMinutes)) : license.KmsRetryInterval,
        };
    }

    /// <summary>
    /// From a "not yet" answer, which no certificate vouches for: its retry interval only when shorter than the
    /// device's (a shorter wait can only bring the next attempt closer), never its renewal interval. A host on the
    /// network that answers "not yet" with 30 days would otherwise hold the device's renewal off for 30 days.
    /// </summary>
    public static StoredLicense WithUnsignedRetry(StoredLicense license, KmsActivationResponse answer)
    {
        ArgumentNullException.ThrowIfNull(license);
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.RetryIntervalMinutes <= 0)
        {
            return license;
        }

        var asked = KmsProtocol.Bound(TimeSpan.FromMinutes(answer.RetryIntervalMinutes));
        return asked < RetryInterval(license) ? license with { KmsRetryInterval = asked } : license;
    }

    /// <summary>
    /// Whether <paramref name="license"/> still holds what an attempt tried: the same key for the same product. The same key
    /// installed again for another product ('pk ipk K --product RIGHT' after KEY_NOT_FOR_PRODUCT) is a new install, due at
    /// once, that the failed attempt's wait must not be written over.
    /// </summary>
    internal static bool HoldsTheKeyTried(StoredLicense license, StoredLicense tried) =>
        license.Key == tried.Key && license.ProductId == tried.ProductId;

    /// <summary>After a successful activation or renewal: next renewal one renewal interval from now.</summary>
    public static StoredLicense Succeeded(StoredLicense license, DateTimeOffset now) =>
        (license ?? throw new ArgumentNullException(nameof(license))) with { NextRenewalDue = now + RenewalInterval(license) };

    /// <summary>After "not yet" or a failure: try again one retry interval from now.</summary>
    public static StoredLicense Failed(StoredLicense license, DateTimeOffset now) =>
        (license ?? throw new ArgumentNullException(nameof(license))) with { NextRenewalDue = now + RetryInterval(license) };
}
