using ProductKeys.Client.Store;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;

namespace ProductKeys.Client.Licensing;

/// <summary>
/// The state machine of docs/product.md §3 as a pure function of the stored facts, the clock and whether the
/// stored activation still holds (certificate verifies, hardware within tolerance). It also returns
/// the facts to persist: the clock high-water mark and the start of out-of-tolerance grace.
/// </summary>
internal static class LicenseEvaluator
{
    /// <param name="license">The stored facts.</param>
    /// <param name="now">The wall clock's reading.</param>
    /// <param name="check">Whether the stored activation holds.</param>
    /// <param name="monotonic">This boot's id and monotonic milliseconds (ADR 0019).</param>
    public static (LicenseStatus Status, StoredLicense Updated) Evaluate(
        StoredLicense license, DateTimeOffset now, ActivationCheck check, (string? BootId, long Milliseconds) monotonic)
    {
        var highWater = license.ClockHighWater;
        // Differences, not sums: a stored mark at either end of the calendar must not overflow.
        var rolledBack = highWater is { } seen && seen - now > LicensePolicy.ClockRollbackTolerance;
        // Timers run on the latest time ever seen, so moving the clock back never extends grace.
        var effectiveNow = highWater is { } hw && hw > now ? hw : now;
        var updated = NotAhead(AdvanceHighWater(license, now, monotonic), effectiveNow, highWater ?? effectiveNow) with
        {
            ClockRollbackDetected = license.ClockRollbackDetected || rolledBack,
        };

        // A tampered store is believed only through a stored activation that still holds on this hardware. Not with a
        // device ID: that ID travels with a copied store, so the activation would "hold" on any machine (ADR 0019).
        if (updated.StoreTampered && !(updated.DeviceId is null && updated.Activation is not null && check == ActivationCheck.Holds
            && (updated.Activation.Expires is not { } until || effectiveNow < until)))
        {
            var tampered = Status(updated, LicenseState.Notification, null, null,
                "The license store was changed outside the product, so its grace period is not believed: activate the product.")
                with { Code = ErrorCatalogue.StoreTampered.Code };
            return (tampered, updated);
        }

        if (updated.Key is null)
        {
            return (Status(updated, LicenseState.Unlicensed, null, null, "No product key is installed."), updated);
        }

        if (updated.Activation is { } activation && check is ActivationCheck.Holds or ActivationCheck.HardwareChanged)
        {
            var lapsed = activation.Expires is { } expires && effectiveNow >= expires;
            if (check == ActivationCheck.Holds && !lapsed)
            {
                updated = updated with { OutOfToleranceSince = null };
                var message = activation.Expires is null
                    ? "The product is activated."
                    : $"The product is activated until {activation.Expires:yyyy-MM-dd}; it renews through the KMS host before then.";
                return (Status(updated, LicenseState.Licensed, activation.Expires, null, message), updated);
            }

            // A KMS lapse starts grace when the activation expired; a hardware change when first noticed.
            var since = updated.OutOfToleranceSince ?? (lapsed ? activation.Expires!.Value : effectiveNow);
            updated = updated with { OutOfToleranceSince = since };
            var ootEnds = TimeArithmetic.Plus(since, LicensePolicy.OutOfToleranceGrace);
            var (why, cause) = lapsed
                ? ("The KMS activation lapsed", ErrorCatalogue.CertificateExpired)
                : ("The hardware changed significantly since activation", ErrorCatalogue.HardwareOutOfTolerance);
            var outOfTolerance = effectiveNow < ootEnds
                ? Status(updated, LicenseState.OutOfToleranceGrace, null, ootEnds, $"{why}: activate the product again before {ootEnds:yyyy-MM-dd}.")
                : Status(updated, LicenseState.Notification, null, null, $"{why} and the grace period is over: activate the product again.");
            return (outOfTolerance with { Code = cause.Code }, updated);
        }

        // A MAK or setup key never runs on grace restarted by a KMS client's rearms past the device's 3.
        var graceStart = updated.KeyType == KeyType.KmsClientSetup ? updated.GraceStartedAt : updated.LimitedGraceStartedAt ?? updated.GraceStartedAt;
        var graceEnds = TimeArithmetic.Plus(graceStart ?? updated.InstalledAt ?? effectiveNow, LicensePolicy.InitialGrace);
        var activateHow = updated.KeyType == KeyType.Setup
            ? "install a MAK or a KMS client key, then activate"
            : "activate it";
        // A stored activation that no longer verifies (a withdrawn publisher key, another product's, an edit) counts
        // for nothing; the product is told why rather than only that it is not activated.
        var invalid = updated.Activation is not null && check == ActivationCheck.Invalid;
        var grace = effectiveNow < graceEnds
            ? Status(updated, LicenseState.InitialGrace, null, graceEnds,
                $"{(invalid ? "The stored activation does not verify" : "The product is not activated yet")}: {activateHow} before {graceEnds:yyyy-MM-dd}.")
            : Status(updated, LicenseState.Notification, null, null,
                $"{(invalid ? "The stored activation does not verify and the" : "The")} grace period is over: {activateHow}.") with { Code = ErrorCatalogue.GraceExpired.Code };
        return (invalid ? grace with { Code = ErrorCatalogue.SignatureInvalid.Code } : grace, updated);
    }

    private static readonly TimeSpan MinimumHighWaterMove = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Timer starts later than the time the timers run on are brought back to the stored mark: a key installed, a
    /// rearm or a hardware change noticed under a clock set ahead recorded that clock's reading, and once the clock
    /// was back the grace ran from there (ten years ahead: ten years of grace). A clock ahead leaves nothing behind
    /// (ADR 0019). The mark as stored, not the time timers run on: a read that cannot save (an unwritable store)
    /// would bring the start back to a time that moves on with every read, and the grace would never end.
    /// </summary>
    internal static StoredLicense NotAhead(StoredLicense license, DateTimeOffset effectiveNow, DateTimeOffset storedMark)
    {
        var to = storedMark < effectiveNow ? storedMark : effectiveNow;
        DateTimeOffset? AtMost(DateTimeOffset? time) => time is { } t && t > effectiveNow ? to : time;
        return license with
        {
            InstalledAt = AtMost(license.InstalledAt),
            GraceStartedAt = AtMost(license.GraceStartedAt),
            LimitedGraceStartedAt = AtMost(license.LimitedGraceStartedAt),
            OutOfToleranceSince = AtMost(license.OutOfToleranceSince),
        };
    }

    /// <summary>
    /// The persisted high-water mark moves only by time a monotonic clock saw pass on this boot, never
    /// to a single wall-clock reading: min(now, mark + monotonic elapsed), or mark + elapsed while the
    /// wall clock reads behind the mark. A new boot (or no reference)
    /// keeps the mark and records a reference; a store without a mark takes the first reading.
    /// </summary>
    internal static StoredLicense AdvanceHighWater(StoredLicense license, DateTimeOffset now, (string? BootId, long Milliseconds) monotonic)
    {
        if (license.ClockHighWater is not { } mark)
        {
            return license with { ClockHighWater = now, ClockBootId = monotonic.BootId, ClockMonotonicMs = monotonic.Milliseconds };
        }

        // A reference below zero or ahead of the clock was never read on this boot (the monotonic clock
        // counts up from zero): like a new boot, it only records a reference.
        if (monotonic.BootId is null || monotonic.BootId != license.ClockBootId
            || license.ClockMonotonicMs is not { } reference || reference < 0 || monotonic.Milliseconds < reference)
        {
            return license with { ClockBootId = monotonic.BootId, ClockMonotonicMs = monotonic.Milliseconds };
        }

        // min(now, mark + elapsed), compared as a difference so that neither a mark near the end of the
        // calendar nor an elapsed time longer than TimeSpan can hold overflows. A wall clock behind the
        // mark (set back) does not stop it: the time the monotonic clock saw pass still counts, or every
        // timer (grace, a KMS activation's expiry) would wait for the wall clock to catch up.
        var elapsed = monotonic.Milliseconds - reference;
        var gap = now - mark;
        var elapsedSpan = elapsed >= TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(elapsed);
        var advanced = gap <= TimeSpan.Zero ? TimeArithmetic.Plus(mark, elapsedSpan)
            : elapsed >= gap.TotalMilliseconds ? now
            : mark + elapsedSpan;
        // Moves of less than a minute are not recorded: the reference stays, so the next reading still
        // gets the whole elapsed time, and a status read does not rewrite (and fsync) the store every
        // time a product or 'pk dli' asks. A minute is far inside the rollback tolerance.
        return advanced - mark >= MinimumHighWaterMove
            ? license with { ClockHighWater = advanced, ClockMonotonicMs = monotonic.Milliseconds }
            : license;
    }

    /// <summary>Rearms left: unlimited while a KMS client setup key is installed, else what is left of the device's 3 (counted across key changes).</summary>
    public static int? RearmsLeft(StoredLicense license) =>
        license.KeyType == KeyType.KmsClientSetup ? null : LicensePolicy.MaxRearms - Math.Clamp(license.RearmsUsed, 0, LicensePolicy.MaxRearms);

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
