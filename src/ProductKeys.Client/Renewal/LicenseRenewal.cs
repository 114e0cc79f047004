using ProductKeys.Client.Activation;
using ProductKeys.Client.Kms;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;

namespace ProductKeys.Client.Renewal;

/// <summary>
/// Gets renewals done (ADR 0012): <see cref="RenewIfDueAsync"/> does whatever is due now, and
/// <see cref="RunAsync"/> does it at start and then whenever the next attempt falls due, until
/// cancelled. A KMS client renews every 7 days and retries every 2 hours while not activated or
/// after a failed renewal (the host's intervals override both, bounded); a MAK device that has a
/// service URL retries its activation every 2 hours until it holds, and once activated never
/// contacts anyone again (a key the service refuses for good waits 7 days). Every wait goes through the <see cref="TimeProvider"/>, plus this device's
/// <see cref="RenewalJitter"/>.
/// </summary>
public sealed class LicenseRenewal : IAsyncDisposable
{
    private readonly DeviceLicense _license;
    private readonly LicensingServiceClient _service;
    private readonly KmsClientSettings _kms;
    private readonly TimeProvider _time;
    private readonly ulong _seed;
    private readonly Lock _stopGate = new();
    private CancellationTokenSource? _running;
    private Task? _loop;
    private Task? _stopping;

    /// <summary>A renewal schedule for one device license.</summary>
    /// <param name="license">The license to keep renewed.</param>
    /// <param name="service">Reaches the licensing service (MAK activation).</param>
    /// <param name="kms">Reaches KMS hosts.</param>
    /// <param name="time">The clock every wait uses.</param>
    /// <param name="jitterSeed">This device's jitter seed; <c>null</c>: a random one.</param>
    public LicenseRenewal(DeviceLicense license, LicensingServiceClient service, KmsClientSettings kms, TimeProvider time, ulong? jitterSeed = null)
    {
        _license = license ?? throw new ArgumentNullException(nameof(license));
        _service = service ?? throw new ArgumentNullException(nameof(service));
        _kms = kms ?? throw new ArgumentNullException(nameof(kms));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _seed = jitterSeed ?? RenewalJitter.NewSeed();
    }

    /// <summary>Called after every pass of <see cref="RunAsync"/>, with <see cref="RenewalAttempt.NextAttempt"/> set.</summary>
    public Action<RenewalAttempt>? Attempted { get; init; }

    /// <summary>
    /// Whether <see cref="RunAsync"/> makes a first or overdue attempt after this device's share of
    /// the spreading window (default) or at once. Turn it off only for a single device that is not
    /// part of a fleet booting together (<c>pk agent --no-spread</c>).
    /// </summary>
    public bool SpreadDueAttempts { get; init; } = true;

    /// <summary>Called when <see cref="RunAsync"/> waits this device's share of the spreading window, with the time the attempt is made.</summary>
    public Action<DateTimeOffset>? Spreading { get; init; }

    /// <summary>Makes the next KMS renewal or activation attempt due now (<c>pk renew --due-now</c>); nothing else.</summary>
    public Outcome<LicenseStatus> MakeDueNow()
    {
        var made = _license.Configure(l => l with { NextRenewalDue = null });
        return made.IsSuccess ? made.Value.Status : made.Refusal;
    }

    /// <summary>Does whatever is due now: nothing (no network traffic), a KMS activation or renewal, or a MAK activation retry.</summary>
    public async Task<RenewalAttempt> RenewIfDueAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        // Verified: a store found tampered (moved to another machine) is due at once, even before a status read saved that.
        var loaded = _license.LoadVerified();
        if (!loaded.IsSuccess)
        {
            return new RenewalAttempt(RenewalAction.Failed, now, null, loaded.Refusal, null, loaded.Refusal.ToString());
        }

        var stored = loaded.Value.License;
        return stored.KeyType switch
        {
            KeyType.KmsClientSetup => await KmsAsync(stored, now, cancellationToken).ConfigureAwait(false),
            KeyType.Mak => await MakAsync(stored, now, cancellationToken).ConfigureAwait(false),
            _ => Nothing(now, null, stored.KeyType is null ? "No key is installed: nothing to renew." : "A setup key does not activate: nothing to renew."),
        };
    }

    /// <summary>
    /// Runs the schedule until <paramref name="cancellationToken"/> is cancelled: a pass at once, then
    /// one at each next attempt. When nothing will be due (no key, MAK activated) it re-reads the
    /// store, without network traffic, every retry interval, so a key installed later is picked up.
    /// A pass that would contact a host at start, or one long overdue, first waits this device's share
    /// of a spreading window (<see cref="RenewalJitter.Window"/> of the retry interval), so a fleet that
    /// boots together does not reach the host in the same second. The loop never ends on a failure: an
    /// exception in a pass (or in <see cref="Attempted"/>) is reported as a failed attempt and retried
    /// one retry interval later, and no wait is longer than the interval in force (30 days at most).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // The due time whose wait already included this device's jitter: a pass due at it runs at once.
        DateTimeOffset? spreadFor = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var pending = PendingAttempt(_time.GetUtcNow());
            if (pending is { } p && p.Due != spreadFor)
            {
                spreadFor = p.Due;
                var window = SpreadDueAttempts ? RenewalJitter.Window(p.Retry) : TimeSpan.Zero;
                var start = _time.GetUtcNow() + RenewalJitter.Spread(window, _seed, p.Due);
                if (window > TimeSpan.Zero)
                {
                    Notify(Spreading, start);
                }

                if (!await WaitUntilAsync(start, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            RenewalAttempt attempt;
            try
            {
                attempt = await RenewIfDueAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever broke (a file, a host's answer, a bug), the product must keep running and
                // the loop must try again later, not spin.
                var at = _time.GetUtcNow();
                var refusal = new Refusal(ErrorCatalogue.Internal, $"The renewal pass failed: {e.GetType().Name}: {e.Message}");
                attempt = new RenewalAttempt(RenewalAction.Failed, at, null, refusal, at + RetryInterval(), FailureMessage(refusal, at + RetryInterval()));
            }

            var now = _time.GetUtcNow();
            var (wake, next) = NextLook(attempt, now);
            // This look is already this device's own (after the retry interval, or jittered): the pass
            // it makes for the due time stored now runs at once, even when that stayed in the past.
            spreadFor = _license.Store.Load() is { IsSuccess: true } after ? after.Value.NextRenewalDue ?? DateTimeOffset.MinValue : null;
            Notify(Attempted, attempt with { NextDue = attempt.NextDue is null ? null : next, NextAttempt = wake });

            if (!await WaitUntilAsync(wake, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Starts <see cref="RunAsync"/> in the background; <see cref="DisposeAsync"/> stops it.</summary>
    /// <returns>This renewal, to dispose when the product exits.</returns>
    public LicenseRenewal Start()
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("The renewal loop is already running.");
        }

        _running = new CancellationTokenSource();
        _loop = Task.Run(() => RunAsync(_running.Token));
        return this;
    }

    /// <summary>
    /// Stops the background loop started by <see cref="Start"/> and waits for it to end. Safe to call again, or
    /// from several threads (an explicit call inside an <c>await using</c>): every call waits for the same stop.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Task stopping;
        lock (_stopGate)
        {
            if (_running is null || _loop is null)
            {
                return;
            }

            stopping = _stopping ??= StopAsync(_running, _loop);
        }

        await stopping.ConfigureAwait(false);
    }

    private static async Task StopAsync(CancellationTokenSource running, Task loop)
    {
        await running.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        running.Dispose();
    }

    private async Task<RenewalAttempt> KmsAsync(StoredLicense stored, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var retry = KmsSchedule.RetryInterval(stored);
        stored = ClampDue(stored, now, stored.Activation is null ? retry : Max(retry, KmsSchedule.RenewalInterval(stored)));
        if (!KmsSchedule.IsDue(stored, now))
        {
            return Nothing(now, stored.NextRenewalDue, $"Nothing due: the next KMS renewal is due {stored.NextRenewalDue:u}.");
        }

        var wasActivated = stored.Activation is not null;
        var result = await KmsActivation.ActivateAsync(_license, _kms, _time, cancellationToken).ConfigureAwait(false);
        var next = _license.Store.Load() is { IsSuccess: true } after ? after.Value.NextRenewalDue : null;
        if (!result.IsSuccess)
        {
            return Failure(now, result.Refusal, next);
        }

        var status = result.Value.Status;
        return new RenewalAttempt(wasActivated ? RenewalAction.Renewed : RenewalAction.Activated, now, status, null, next,
            $"{(wasActivated ? "Renewed" : "Activated")} through the KMS host: licensed until {status.Expires:u}; next renewal due {next:u}.");
    }

    private async Task<RenewalAttempt> MakAsync(StoredLicense stored, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = _license.Status();
        if (!status.IsSuccess)
        {
            return Failure(now, status.Refusal, null);
        }

        if (status.Value.Status.State == LicenseState.Licensed)
        {
            return Nothing(now, null, "Activated with a MAK: permanent, nothing to renew.", status.Value.Status);
        }

        if (stored.ServiceUrl is null)
        {
            return Nothing(now, null, "Not activated and no service URL is known: activate with 'pk ato --service URL', or offline ('pk dti').", status.Value.Status);
        }

        // Up to the renewal interval: a key refused for good is asked about again after that long.
        stored = ClampDue(stored, now, Max(KmsSchedule.RetryInterval(stored), KmsSchedule.RenewalInterval(stored)));
        if (stored.NextRenewalDue is { } due && now < due)
        {
            return Nothing(now, due, $"Nothing due: the next MAK activation attempt is due {due:u}.", status.Value.Status);
        }

        var result = await OnlineActivation.ActivateAsync(_license, _service, _kms, pinned: null, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            var refusedForGood = RefusedUntilAnotherKey(result.Refusal);
            // Only for the key tried: one installed meanwhile (the product's InstallKey, 'pk ipk') is due at once, and a
            // week's wait written over that kept it from being tried.
            var retry = _license.Configure(l => !KmsSchedule.HoldsTheKeyTried(l, stored) ? l
                : refusedForGood ? l with { NextRenewalDue = now + KmsSchedule.RenewalInterval(l) }
                : KmsSchedule.Failed(l, now));
            return Failure(now, result.Refusal, retry.IsSuccess ? retry.Value.Stored.NextRenewalDue : null);
        }

        var cleared = _license.Configure(l => l with { NextRenewalDue = null });
        var final = cleared.IsSuccess ? cleared.Value.Status : result.Value.Status;
        return new RenewalAttempt(RenewalAction.Activated, now, final, null, null, "Activated with the MAK: permanent, nothing more to renew.");
    }

    /// <summary>
    /// What the service says of the key itself, which no retry changes: only another key (or another
    /// service URL) does, and installing one makes the next attempt due at once. The device asks again
    /// after the renewal interval (7 days), not every 2 hours: a fleet installed with a wrong key would
    /// otherwise send the service 12 requests a day each, each unknown key counted as a guess from
    /// its address (docs/adr/0012-client-package-and-renewal.md).
    /// A blocked key or a used-up limit can change at the publisher's hand and keeps the 2-hour retry.
    /// </summary>
    private static bool RefusedUntilAnotherKey(Refusal refusal) =>
        refusal.Error == ErrorCatalogue.KeyUnknown || refusal.Error == ErrorCatalogue.KeyNotForProduct
        || refusal.Error == ErrorCatalogue.KeyWrongUse || refusal.Error == ErrorCatalogue.SetupKeyCannotActivate
        || refusal.Error == ErrorCatalogue.KmsClientKeyOnline;

    /// <summary>
    /// When the loop looks next after <paramref name="attempt"/>, and the due time that look is for:
    /// never before now (a due time that stayed in the past, e.g. because the store could not be
    /// written, waits one retry interval), never after now plus the interval in force (a due time set
    /// by a clock that ran ahead, or a stored value out of bounds, cannot park the loop for weeks).
    /// </summary>
    private (DateTimeOffset Wake, DateTimeOffset Due) NextLook(RenewalAttempt attempt, DateTimeOffset now)
    {
        var retry = RetryInterval();
        var longest = attempt.Action == RenewalAction.Failed ? retry : Max(retry, RenewalInterval());
        var due = attempt.NextDue is not { } d ? now + retry
            : d <= now ? now + retry
            : d > now + longest ? now + longest
            : d;
        var wake = RenewalJitter.WakeTime(due, now, _seed);
        return (Min(wake, now + longest + RenewalJitter.Window(longest)), due);
    }

    /// <summary>The attempt a pass at <paramref name="now"/> would make over the network, if any: when it fell due, and the retry interval in force.</summary>
    private (DateTimeOffset Due, TimeSpan Retry)? PendingAttempt(DateTimeOffset now)
    {
        if (_license.Store.Load() is not { IsSuccess: true } loaded)
        {
            return null;
        }

        var stored = loaded.Value;
        var wantsHost = stored.KeyType == KeyType.KmsClientSetup
            || (stored.KeyType == KeyType.Mak && stored.ServiceUrl is not null && stored.Activation is null);
        return wantsHost && KmsSchedule.IsDue(stored, now)
            ? (stored.NextRenewalDue ?? DateTimeOffset.MinValue, KmsSchedule.RetryInterval(stored))
            : null;
    }

    private TimeSpan RetryInterval() =>
        _license.Store.Load() is { IsSuccess: true } loaded ? KmsSchedule.RetryInterval(loaded.Value) : Core.Kms.KmsProtocol.DefaultRetryInterval;

    private TimeSpan RenewalInterval() =>
        _license.Store.Load() is { IsSuccess: true } loaded ? KmsSchedule.RenewalInterval(loaded.Value) : Core.Kms.KmsProtocol.DefaultRenewalInterval;

    /// <summary>
    /// A stored due time further away than <paramref name="longest"/> (set under a clock that ran
    /// ahead and was corrected since) is brought back to now plus that interval, in the store when it
    /// can be written.
    /// </summary>
    private StoredLicense ClampDue(StoredLicense stored, DateTimeOffset now, TimeSpan longest)
    {
        if (stored.NextRenewalDue is not { } due || due <= now + longest)
        {
            return stored;
        }

        var clamped = now + longest;
        var saved = _license.Configure(l => l.NextRenewalDue is { } d && d > clamped ? l with { NextRenewalDue = clamped } : l);
        return saved.IsSuccess ? saved.Value.Stored : stored with { NextRenewalDue = clamped };
    }

    /// <summary>Calls the product's callback; whatever it throws must not stop its renewals.</summary>
    private static void Notify<T>(Action<T>? callback, T value)
    {
        try
        {
            callback?.Invoke(value);
        }
#pragma warning disable CA1031 // The product's callback must not stop its renewals.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>False when cancelled.</summary>
    private async Task<bool> WaitUntilAsync(DateTimeOffset wake, CancellationToken cancellationToken)
    {
        var delay = wake - _time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            return !cancellationToken.IsCancellationRequested;
        }

        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string FailureMessage(Refusal refusal, DateTimeOffset? next) =>
        $"{refusal.Code}: {refusal.Detail.TrimEnd('.', ' ')}" + (next is { } n ? $"; next attempt due {n:u}." : ".");

    private RenewalAttempt Nothing(DateTimeOffset now, DateTimeOffset? next, string message, LicenseStatus? status = null) =>
        new(RenewalAction.NothingDue, now, status ?? (_license.Status() is { IsSuccess: true } s ? s.Value.Status : null), null, next, message);

    private RenewalAttempt Failure(DateTimeOffset now, Refusal refusal, DateTimeOffset? next) =>
        new(RenewalAction.Failed, now, _license.Status() is { IsSuccess: true } s ? s.Value.Status : null, refusal, next,
            FailureMessage(refusal, next));
}
