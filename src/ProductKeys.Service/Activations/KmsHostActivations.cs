using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Kms;
using ProductKeys.Core.Signing;
using ProductKeys.Data;
using ProductKeys.Data.Activations;
using ProductKeys.Data.Catalog;
using ProductKeys.Data.Keys;

namespace ProductKeys.Service.Activations;

/// <summary>
/// KMS host activation (docs/product.md §4): a KMS host key serves at most its limit of distinct hosts (6),
/// each at most 10 activations (reinstalls); past either, KMS_HOST_KEY_LIMIT. Exact under
/// concurrency: the key row is locked first (hosts are few; reading the host row under the lock is
/// simplest), then conditional updates.
/// The host certificate covers the key's product and every other KMS-capable product the billing
/// account has bought, each with its catalog threshold.
/// </summary>
internal sealed partial class KmsHostActivations(
    LicensingDbContext db, IssuedKeyLookup lookup, PublisherSigning signing, TimeProvider time, ILogger<KmsHostActivations> logger)
{
    public const int MaxHostIdLength = 128;
    public const int MaxPublicKeyLength = 1024;

    public async Task<Outcome<KmsHostActivationResponse>> ActivateAsync(KmsHostActivationRequest request, IPAddress? client, CancellationToken ct)
    {
        using var span = ActivationTelemetry.Start(ActivationTelemetry.KmsHost);
        var started = Stopwatch.GetTimestamp();
        var outcome = await TryActivateAsync(request, client, ct);
        ActivationTelemetry.Finish(span, ActivationTelemetry.KmsHost, outcome, started);
        return outcome;
    }

    private async Task<Outcome<KmsHostActivationResponse>> TryActivateAsync(KmsHostActivationRequest request, IPAddress? client, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.HostId) || request.HostId.Length > MaxHostIdLength || request.HostId.Any(Hosting.LogText.IsUnsafe))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"'hostId' must be 1 to {MaxHostIdLength} characters, without control or bidi characters.");
        }

        if (string.IsNullOrWhiteSpace(request.HostPublicKey) || request.HostPublicKey.Length > MaxPublicKeyLength || !TrustedKey.TryFromPem(request.HostPublicKey, out _, out _))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, "'hostPublicKey' must be the host's ECDSA P-256 public key as PEM.");
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
                return new Refusal(ErrorCatalogue.KeyWrongUse, "This is a KMS client setup key: devices use it; a KMS host needs the KMS host key from your order.");
            case KeyType.Mak:
                return new Refusal(ErrorCatalogue.KeyWrongUse, "This is a MAK: it activates devices ('pk ato'); a KMS host needs the KMS host key from your order.");
        }

        var found = await lookup.FindAsync(parsed.Value, client, ct);
        if (!found.IsSuccess)
        {
            return found.Refusal;
        }

        var key = found.Value;
        if (key.Status == KeyStatus.Blocked)
        {
            return new Refusal(ErrorCatalogue.KeyBlocked);
        }

        var recorded = await RecordAsync(key, request.HostId, ct);
        if (recorded is not null)
        {
            LogRefused(logger, key.PartialKey, request.HostId, recorded.Code);
            return recorded;
        }

        var products = await CoverageAsync(key, ct);
        var certificate = KmsHostCertificate.Issue(signing.Signer, request.HostId, request.HostPublicKey, products, key.BillingAccountId.ToString());
        LogActivated(logger, key.PartialKey, request.HostId, products.Count);
        return new KmsHostActivationResponse(certificate.Text);
    }

    private async Task<Refusal?> RecordAsync(IssuedKey key, string hostId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Keys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.ActivationsUsed, k => k.ActivationsUsed), ct);

        var host = await db.KmsHostActivations.AsNoTracking().SingleOrDefaultAsync(h => h.KeyId == key.Id && h.HostId == hostId, ct);
        if (host is not null)
        {
            var again = await db.KmsHostActivations
                .Where(h => h.Id == host.Id && h.Activations < KmsHostKeyLimits.MaxActivationsPerHost)
                .ExecuteUpdateAsync(s => s.SetProperty(h => h.Activations, h => h.Activations + 1).SetProperty(h => h.LastActivatedAt, now), ct);
            if (again == 0)
            {
                await transaction.RollbackAsync(ct);
                return new Refusal(ErrorCatalogue.KmsHostKeyLimit,
                    $"KMS host '{hostId}' has been activated {KmsHostKeyLimits.MaxActivationsPerHost} times with this key: contact the publisher.");
            }

            await transaction.CommitAsync(ct);
            return null;
        }

        if (!await MakActivationRows.ConsumeOneAsync(db, key.Id, ct))
        {
            await transaction.RollbackAsync(ct);
            // A KMS host key's limit never changes (only a MAK's can be raised): the row read before holds it.
            return new Refusal(ErrorCatalogue.KmsHostKeyLimit,
                $"This KMS host key already serves {key.ActivationLimit} hosts: reactivate one of them, or contact the publisher.");
        }

        db.KmsHostActivations.Add(new KmsHostActivation
        {
            Id = Guid.NewGuid(),
            KeyId = key.Id,
            HostId = hostId,
            FirstActivatedAt = now,
            LastActivatedAt = now,
            Activations = 1,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return null;
    }


    private async Task<List<KmsProductCoverage>> CoverageAsync(IssuedKey key, CancellationToken ct)
    {
        var bought = db.Orders.Where(o => o.BillingAccountId == key.BillingAccountId).Select(o => o.ProductId);
        var products = await db.Products.AsNoTracking()
            .Where(p => p.Id == key.ProductId || (bought.Contains(p.Id) && p.Category != ProductCategory.Cal))
            .OrderBy(p => p.Id)
            .Select(p => new { p.Id, p.KmsThreshold, p.KeyGroup })
            .ToListAsync(ct);
        // A certificate holds at most 256 products: the key's own always, then the others in id order. Taking the first 256 by
        // id left out the key's own product when the account had bought more, and the host could not activate what it was bought for.
        var others = products.Where(p => p.Id != key.ProductId).Take(KmsHostCertificate.MaxProducts - 1).ToHashSet();
        return [.. products.Where(p => p.Id == key.ProductId || others.Contains(p))
            .Select(p => new KmsProductCoverage(p.Id, Math.Max(1, p.KmsThreshold), p.KeyGroup))];
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "KMS host key …{PartialKey} activated host {HostId} for {Products} products")]
    private static partial void LogActivated(ILogger logger, string partialKey, string hostId, int products);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "KMS host key …{PartialKey} refused host {HostId}: {Code}")]
    private static partial void LogRefused(ILogger logger, string partialKey, string hostId, string code);
}
