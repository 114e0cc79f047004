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

namespace ProductKeys.Service.Activations;

/// <summary>
/// MAK activation (SPEC §2): the same device (within hardware tolerance) gets its activation back
/// for free; a new device or a significant hardware change consumes one activation, only while
/// used &lt; limit. Exact under concurrency and across nodes: each activation of a key runs in a
/// transaction that first takes the key row's write lock, and the consuming UPDATE is conditional.
/// </summary>
internal sealed partial class MakActivations(
    LicensingDbContext db, IssuedKeyLookup lookup, PublisherSigning signing, TimeProvider time, ILogger<MakActivations> logger)
{
    public const int MaxProductLength = 64;

    public async Task<Outcome<MakActivationResponse>> ActivateAsync(MakActivationRequest request, string? address, CancellationToken ct)
    {
        var outcome = await TryActivateAsync(request, address, ct);
        ServiceMetrics.Activations.Add(1, new("kind", "mak"), new("result", outcome.IsSuccess ? "OK" : outcome.Refusal.Code));
        return outcome;
    }

    private async Task<Outcome<MakActivationResponse>> TryActivateAsync(MakActivationRequest request, string? address, CancellationToken ct)
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

        var parsed = lookup.Parse(request.Key, address);
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

        var found = await lookup.FindAsync(parsed.Value, address, ct);
        if (!found.IsSuccess)
        {
            return found.Refusal;
        }

        var key = found.Value;
        if (key.ProductId != request.Product)
        {
            return new Refusal(ErrorCatalogue.KeyNotForProduct, $"This key is for product '{key.ProductId}', not '{request.Product}'.");
        }

        if (key.Status == KeyStatus.Blocked)
        {
            return new Refusal(ErrorCatalogue.KeyBlocked);
        }

        var recorded = await RecordAsync(key, hardware.Value, ct);
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

    private async Task<Outcome<(Guid ActivationId, bool Reactivation, int Used)>> RecordAsync(IssuedKey key, HardwareId hardware, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var hardwareText = hardware.ToString();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // Take the key row's write lock before reading its activations: a row lock on PostgreSQL,
        // the database write lock on SQLite. Activations of one key are thereby serialized on every
        // node, so one device activating twice at once is counted once.
        await db.Keys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.ActivationsUsed, k => k.ActivationsUsed), ct);

        var existing = await db.MakActivations.AsNoTracking()
            .Where(a => a.KeyId == key.Id)
            .Select(a => new { a.Id, a.HardwareId })
            .ToListAsync(ct);
        var same = existing.FirstOrDefault(a => a.HardwareId == hardwareText)
            ?? existing.FirstOrDefault(a => HardwareId.TryParse(a.HardwareId, out var known) && HardwareId.Compare(known, hardware).IsSameDevice);
        int used;
        if (same is not null)
        {
            await db.MakActivations.Where(a => a.Id == same.Id).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.HardwareId, hardwareText)
                .SetProperty(a => a.LastActivatedAt, now)
                .SetProperty(a => a.Activations, a => a.Activations + 1), ct);
            used = await db.Keys.Where(k => k.Id == key.Id).Select(k => k.ActivationsUsed).SingleAsync(ct);
            await transaction.CommitAsync(ct);
            return (same.Id, true, used);
        }

        var consumed = await db.Keys
            .Where(k => k.Id == key.Id && k.ActivationsUsed < k.ActivationLimit && k.Status == KeyStatus.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.ActivationsUsed, k => k.ActivationsUsed + 1), ct);
        var current = await db.Keys.AsNoTracking().Where(k => k.Id == key.Id).Select(k => new { k.ActivationsUsed, k.ActivationLimit, k.Status }).SingleAsync(ct);
        if (consumed == 0)
        {
            await transaction.RollbackAsync(ct);
            return current.Status == KeyStatus.Blocked
                ? new Refusal(ErrorCatalogue.KeyBlocked)
                : new Refusal(ErrorCatalogue.MakLimitReached,
                    $"This MAK has used all {current.ActivationLimit} of its activations: ask the publisher to raise the limit, or use another key.");
        }

        var activation = new MakActivation
        {
            Id = Guid.NewGuid(),
            KeyId = key.Id,
            ProductId = key.ProductId,
            HardwareId = hardwareText,
            ActivatedAt = now,
            LastActivatedAt = now,
            Activations = 1,
        };
        db.MakActivations.Add(activation);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (activation.Id, false, current.ActivationsUsed);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "MAK …{PartialKey} activated {ActivationId} (reactivation: {Reactivation}); {Used}/{Limit} used")]
    private static partial void LogActivated(ILogger logger, string partialKey, Guid activationId, bool reactivation, int used, int limit);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "MAK …{PartialKey} refused: {Code}")]
    private static partial void LogRefused(ILogger logger, string partialKey, string code);
}
