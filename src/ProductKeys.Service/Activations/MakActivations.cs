using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Data;
using ProductKeys.Data.Activations;
using ProductKeys.Data.Keys;
using ProductKeys.Service.Catalog;

namespace ProductKeys.Service.Activations;

/// <summary>
/// MAK activation (docs/product.md §2): the same device (within hardware tolerance) gets its activation back
/// for free; a new device or a significant hardware change consumes one activation, only while
/// used &lt; limit. Exact under concurrency and across nodes: the consuming UPDATE is conditional
/// (WHERE used &lt; limit) and a unique index on (key, hardware ID) turns a device's concurrent
/// duplicate into a re-activation (docs/adr/0009-mak-activation-concurrency.md, and 0010 for the write paths).
/// </summary>
internal sealed partial class MakActivations(
    LicensingDbContext db, MakActivationRows rows, SqliteActivationWriter sqliteWriter, PostgresActivationWriter postgresWriter, IssuedKeyLookup lookup, CalProducts calProducts, PublisherSigning signing, SqliteWriteGate writeGate, TimeProvider time, ILogger<MakActivations> logger)
{
    public const int MaxProductLength = 64;

    public async Task<Outcome<MakActivationResponse>> ActivateAsync(MakActivationRequest request, IPAddress? client, CancellationToken ct)
    {
        using var span = ActivationTelemetry.Start(ActivationTelemetry.Mak);
        var started = Stopwatch.GetTimestamp();
        var outcome = await TryActivateAsync(request, client, ct);
        ActivationTelemetry.Finish(span, ActivationTelemetry.Mak, outcome, started);
        if (outcome.IsSuccess)
        {
            span?.SetTag("pk.activation.id", outcome.Value.ActivationId);
            span?.SetTag("pk.activation.reactivation", outcome.Value.Reactivation);
        }

        return outcome;
    }

    private async Task<Outcome<MakActivationResponse>> TryActivateAsync(MakActivationRequest request, IPAddress? client, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Product) || request.Product.Length > MaxProductLength)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, "'product' must name a product (at most 64 characters).");
        }

        var hardware = HardwareId.Parse(request.HardwareId);
        if (!hardware.IsSuccess)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"'hardwareId': {hardware.Refusal.Detail}");
        }

        if (hardware.Value.BindingRefusal() is { } notOneDevice)
        {
            return notOneDevice;
        }

        var parsed = lookup.Parse(request.Key, client);
        if (!parsed.IsSuccess)
        {
            return parsed.Refusal;
        }

        switch (parsed.Value.Type)
        {
            case KeyType.Setup:
                return new Refusal(ErrorCatalogue.SetupKeyCannotActivate);
            case KeyType.KmsClientSetup:
                return new Refusal(ErrorCatalogue.KmsClientKeyOnline);
            case KeyType.KmsHost:
                return new Refusal(ErrorCatalogue.KeyWrongUse, "This is a KMS host key: it activates a KMS host ('pk kms-host activate'), not a device.");
        }

        // The key's row and the activations that may be this device's, in one round trip.
        var hashes = Hashes(hardware.Value);
        var found = await lookup.FindAsync(parsed.Value, client, hashes, ct);
        if (!found.IsSuccess)
        {
            return found.Refusal;
        }

        var (key, candidates) = found.Value;
        if (await calProducts.IsCalAsync(db, key.ProductId, ct))
        {
            return new Refusal(ErrorCatalogue.KeyWrongUse, "This is a CAL pack's MAK: it installs CALs on a CAL server ('pk cal-server install-pack'), not on a device.");
        }

        if (key.ProductId != request.Product)
        {
            return new Refusal(ErrorCatalogue.KeyNotForProduct, $"This key is for product '{key.ProductId}', not '{request.Product}'.");
        }

        if (key.Status == KeyStatus.Blocked)
        {
            return new Refusal(ErrorCatalogue.KeyBlocked);
        }

        var recorded = await RecordAsync(key, hardware.Value, hashes, candidates, ct);
        if (!recorded.IsSuccess)
        {
            LogRefused(logger, key.PartialKey, recorded.Refusal.Code);
            return recorded.Refusal;
        }

        var (activationId, reactivation, used) = recorded.Value;
        var certificate = ActivationCertificate.Issue(signing.Signer, activationId.ToString(), key.ProductId, key.Id.ToString(), key.PartialKey, hardware.Value.ToString());
        LogActivated(logger, key.PartialKey, activationId, reactivation, used, key.ActivationLimit);
        return new MakActivationResponse(activationId.ToString(), certificate.Text, reactivation, used, key.ActivationLimit);
    }

    private async Task<Outcome<(Guid ActivationId, bool Reactivation, int Used)>> RecordAsync(
        IssuedKey key, HardwareId hardware, long[] hashes, List<(Guid Id, string HardwareId)> candidates, CancellationToken ct)
    {
        var hardwareText = hardware.ToString();
        if (SameDevice(candidates, hardware, hardwareText) is { } known)
        {
            return await ReactivateAsync(key, known, hardware, hardwareText, ct);
        }

        var consumed = await ConsumeAsync(key, hashes, hardwareText, ct);
        var duplicate = consumed is { IsSuccess: true, Value: null };
        if (duplicate || consumed is { IsSuccess: false, Refusal.Error: var refused } && refused == ErrorCatalogue.MakLimitReached)
        {
            // The same device may have raced itself. Either the unique index (key, hardware ID)
            // refused its second row, or its twin took the key's last activation and this one's
            // conditional UPDATE was refused. Both times nothing was consumed, and if the device is
            // now recorded this is a re-activation, free.
            if (SameDevice(await rows.CandidatesAsync(key.Id, hashes, ct), hardware, hardwareText) is { } winner)
            {
                return await ReactivateAsync(key, winner, hardware, hardwareText, ct);
            }

            if (duplicate)
            {
                return new Refusal(ErrorCatalogue.Conflict, "This device's activation changed while it was being recorded: retry.");
            }
        }

        if (!consumed.IsSuccess)
        {
            return consumed.Refusal;
        }

        var (id, used) = consumed.Value!.Value;
        return (id, false, used);
    }

    /// <summary>
    /// The conditional UPDATE of the key's count and the INSERTs, committed before the answer is
    /// sent: in the writer's next batch of this key on PostgreSQL (ADR 0028), in its next group commit
    /// on SQLite (ADR 0010).
    /// </summary>
    /// <returns>The new activation's id and the key's count; null when the same device was inserted meanwhile; or the refusal.</returns>
    private async Task<Outcome<(Guid Id, int Used)?>> ConsumeAsync(IssuedKey key, long[] hashes, string hardwareText, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var activation = new MakActivation
        {
            // Time-ordered: each activation's row and its components land at the end of their primary-key
            // indexes, not on a random page that the commit must write again (docs/adr/0030-sqlite-activation-costs.md).
            Id = Guid.CreateVersion7(now),
            KeyId = key.Id,
            ProductId = key.ProductId,
            HardwareId = hardwareText,
            ActivatedAt = now,
            LastActivatedAt = now,
            Activations = 1,
        };
        // While the writer holds the request, the request holds no connection: on PostgreSQL a pool's
        // worth of waiting requests would otherwise leave none for anyone else (ADR 0028).
        await db.Database.CloseConnectionAsync();

        var consumption = db.IsPostgres
            ? await postgresWriter.ConsumeAsync(activation, hashes, ct)
            : await sqliteWriter.ConsumeAsync(activation, hashes, ct);
        switch (consumption.Result)
        {
            case MakConsumptionResult.Consumed:
                return (activation.Id, consumption.Used);
            case MakConsumptionResult.AlreadyRecorded:
                return new Outcome<(Guid Id, int Used)?>(((Guid, int)?)null);
        }

        var current = await db.Keys.AsNoTracking().Where(k => k.Id == key.Id).Select(k => new { k.ActivationLimit, k.Status }).SingleAsync(ct);
        return current.Status == KeyStatus.Blocked
            ? new Refusal(ErrorCatalogue.KeyBlocked)
            : new Refusal(ErrorCatalogue.MakLimitReached,
                $"This MAK has used all {current.ActivationLimit} of its activations: ask the publisher to raise the limit, or use another key.");
    }

    /// <summary>The device is known: nothing is consumed; the activation is re-bound to today's hardware.</summary>
    private async Task<(Guid, bool, int)> ReactivateAsync(IssuedKey key, (Guid Id, bool Exact) known, HardwareId hardware, string hardwareText, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        using (await writeGate.EnterAsync(db, ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.MakActivations.Where(a => a.Id == known.Id).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.HardwareId, hardwareText)
                .SetProperty(a => a.LastActivatedAt, now)
                .SetProperty(a => a.Activations, a => a.Activations + 1), ct);
            if (!known.Exact)
            {
                // The certificate binds to today's hardware: match future requests against it.
                await db.MakActivationComponents.Where(c => c.ActivationId == known.Id).ExecuteDeleteAsync(ct);
                AddComponents(known.Id, key.Id, hardware);
                await db.SaveChangesAsync(ct);
            }

            await transaction.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }

        var used = await db.Keys.Where(k => k.Id == key.Id).Select(k => k.ActivationsUsed).SingleAsync(ct);
        return (known.Id, true, used);
    }

    /// <summary>
    /// The key's activation for this device: the exact hardware ID, or one within tolerance among the
    /// activations sharing at least one component hash (only those can be the same device; the
    /// exact hardware ID shares every component, so it is among them too).
    /// </summary>
    private static (Guid Id, bool Exact)? SameDevice(List<(Guid Id, string HardwareId)> candidates, HardwareId hardware, string hardwareText)
    {
        if (candidates.FindIndex(a => a.HardwareId == hardwareText) is var exact and >= 0)
        {
            return (candidates[exact].Id, true);
        }

        var same = candidates.FindIndex(a => HardwareId.TryParse(a.HardwareId, out var known) && HardwareId.Compare(known, hardware).IsSameDevice);
        return same < 0 ? null : (candidates[same].Id, false);
    }

    private void AddComponents(Guid activationId, Guid keyId, HardwareId hardware) =>
        db.MakActivationComponents.AddRange(Hashes(hardware).Select(h => new MakActivationComponent { ActivationId = activationId, KeyId = keyId, Hash = h }));

    /// <summary>The device's distinct component hashes, as the activation's component rows store them (also the load driver's writer run).</summary>
    internal static long[] Hashes(HardwareId hardware) => [.. hardware.Components.Select(c => unchecked((long)c.Hash)).Distinct()];

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "MAK …{PartialKey} activated {ActivationId} (reactivation: {Reactivation}); {Used}/{Limit} used")]
    private static partial void LogActivated(ILogger logger, string partialKey, Guid activationId, bool reactivation, int used, int limit);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "MAK …{PartialKey} refused: {Code}")]
    private static partial void LogRefused(ILogger logger, string partialKey, string code);
}
