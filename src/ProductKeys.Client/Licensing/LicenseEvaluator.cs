using ProductKeys.Client.Store;
using ProductKeys.Core.Keys;

namespace ProductKeys.Client.Licensing;

/// <summary>
/// The state machine of docs/product.md §3 as a pure function of the stored facts, the clock and whether the
/// stored activation still holds (certificate verifies, hardware within tolerance). It also returns
/// the facts to persist: the clock high-water mark and the start of out-of-tolerance grace.
/// </summary>
internal static class LicenseEvaluator
{
    public static (LicenseStatus Status, StoredLicense Updated) Evaluate(StoredLicense license, DateTimeOffset now, ActivationCheck check)
    {
        var highWater = license.ClockHighWater;
        var rolledBack = highWater is { } seen && now < seen - LicensePolicy.ClockRollbackTolerance;
        // Timers run on the latest time ever seen, so moving the clock back never extends grace.
        var effectiveNow = highWater is { } hw && hw > now ? hw : now;
        var updated = license with
        {
            ClockHighWater = effectiveNow,
            ClockRollbackDetected = license.ClockRollbackDetected || rolledBack,
        };

        if (updated.Key is null)
        {
            return (Status(updated, LicenseState.Unlicensed, null, null, "No product key is installed: install one with 'pk ipk KEY'."), updated);
        }

        if (updated.Activation is { } activation && check is ActivationCheck.Holds or ActivationCheck.HardwareChanged)
        {
            var lapsed = activation.Expires is { } expires && effectiveNow >= expires;
            if (check == ActivationCheck.Holds && !lapsed)
            {
                updated = updated with { OutOfToleranceSince = null };
                var message = activation.Expires is null
                    ? "The product is activated."
                    : $"The product is activated until {activation.Expires:yyyy-MM-dd}; the product or 'pk agent' renews it through the KMS host before then.";
                return (Status(updated, LicenseState.Licensed, activation.Expires, null, message), updated);
            }

            // A KMS lapse starts grace when the activation expired; a hardware change when first noticed.
            var since = updated.OutOfToleranceSince ?? (lapsed ? activation.Expires!.Value : effectiveNow);
            updated = updated with { OutOfToleranceSince = since };
            var ootEnds = since + LicensePolicy.OutOfToleranceGrace;
            var why = lapsed ? "The KMS activation lapsed" : "The hardware changed significantly since activation";
            return effectiveNow < ootEnds
                ? (Status(updated, LicenseState.OutOfToleranceGrace, null, ootEnds, $"{why}: activate again before {ootEnds:yyyy-MM-dd} ('pk ato')."), updated)
                : (Status(updated, LicenseState.Notification, null, null, $"{why} and the grace period is over: activate the product ('pk ato')."), updated);
        }

        var graceEnds = (updated.GraceStartedAt ?? updated.InstalledAt ?? effectiveNow) + LicensePolicy.InitialGrace;
        var activateHow = updated.KeyType == KeyType.Setup
            ? "install a MAK or set a KMS host, then activate"
            : "activate it ('pk ato')";
        return effectiveNow < graceEnds
            ? (Status(updated, LicenseState.InitialGrace, null, graceEnds, $"The product is not activated yet: {activateHow} before {graceEnds:yyyy-MM-dd}."), updated)
            : (Status(updated, LicenseState.Notification, null, null, $"The grace period is over: {activateHow}."), updated);
    }

    /// <summary>Rearms left for this key type: unlimited for KMS clients, 3 otherwise.</summary>
    public static int? RearmsLeft(StoredLicense license) =>
        license.KeyType == KeyType.KmsClientSetup ? null : Math.Max(0, LicensePolicy.MaxRearms - license.RearmsUsed);

    private static LicenseStatus Status(StoredLicense license, LicenseState state, DateTimeOffset? expires, DateTimeOffset? graceEnds, string message) =>
        new(state,
            license.ProductId,
            license.KeyType,
            license.Key is { Length: >= 5 } key ? key[^5..] : null,
            expires,
            graceEnds,
            RearmsLeft(license),
            license.ClockRollbackDetected,
            message);
}
