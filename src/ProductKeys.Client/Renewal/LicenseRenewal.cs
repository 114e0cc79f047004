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
/// contacts anyone again. Every wait goes through the <see cref="TimeProvider"/>, plus this device's
/// <see cref="RenewalJitter"/>.
/// </summary>
public sealed class LicenseRenewal : IAsyncDisposable
{
    private readonly DeviceLicense _license;
    private readonly LicensingServiceClient _service;
    private readonly KmsClientSettings _kms;
    private readonly TimeProvider _time;
    private readonly ulong _seed;
    private CancellationTokenSource? _running;
    private Task? _loop;

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
        var loaded = _license.Store.Load();
        if (!loaded.IsSuccess)
        {
            return new RenewalAttempt(RenewalAction.Failed, now, null, loaded.Refusal, null, loaded.Refusal.ToString());
        }

        var stored = loaded.Value;
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
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            RenewalAttempt attempt;
            try
            {
                attempt = await RenewIfDueAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var now = _time.GetUtcNow();
            var wake = attempt.NextDue is { } due
                ? RenewalJitter.WakeTime(due, now, _seed)
                : now + Core.Kms.KmsProtocol.DefaultRetryInterval;
            Attempted?.Invoke(attempt with { NextAttempt = wake });

            // The delay is taken from the absolute wake time now, so a clock that moved on while the
            // attempt was reported only shortens it.
            var delay = wake - _time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
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

    /// <summary>Stops the background loop started by <see cref="Start"/> and waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_running is null || _loop is null)
        {
            return;
        }

        await _running.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _running.Dispose();
    }

    private async Task<RenewalAttempt> KmsAsync(StoredLicense stored, DateTimeOffset now, CancellationToken cancellationToken)
    {
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

        if (stored.NextRenewalDue is { } due && now < due)
        {
            return Nothing(now, due, $"Nothing due: the next MAK activation attempt is due {due:u}.", status.Value.Status);
        }

        var result = await OnlineActivation.ActivateAsync(_license, _service, _kms, pinned: null, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            var retry = _license.Configure(l => KmsSchedule.Failed(l, now));
            return Failure(now, result.Refusal, retry.IsSuccess ? retry.Value.Stored.NextRenewalDue : null);
        }

        var cleared = _license.Configure(l => l with { NextRenewalDue = null });
        var final = cleared.IsSuccess ? cleared.Value.Status : result.Value.Status;
        return new RenewalAttempt(RenewalAction.Activated, now, final, null, null, "Activated with the MAK: permanent, nothing more to renew.");
    }

    private RenewalAttempt Nothing(DateTimeOffset now, DateTimeOffset? next, string message, LicenseStatus? status = null) =>
        new(RenewalAction.NothingDue, now, status ?? (_license.Status() is { IsSuccess: true } s ? s.Value.Status : null), null, next, message);

    private RenewalAttempt Failure(DateTimeOffset now, Refusal refusal, DateTimeOffset? next) =>
        new(RenewalAction.Failed, now, _license.Status() is { IsSuccess: true } s ? s.Value.Status : null, refusal, next,
            next is { } n ? $"Failed: {refusal}; next attempt due {n:u}." : $"Failed: {refusal}.");
}
