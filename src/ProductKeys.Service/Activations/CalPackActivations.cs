using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;
using ProductKeys.Data;
using ProductKeys.Data.Activations;
using ProductKeys.Data.Catalog;
using ProductKeys.Data.Keys;

namespace ProductKeys.Service.Activations;

/// <summary>
/// CAL pack installation (docs/product.md §5, docs/adr/0018-cal-server.md): a CAL order's MAK installs its pack
/// on at most its limit of distinct CAL servers (2); the same server again is free. A server holds
/// packs of one mode. Exact under concurrency as KMS host activation is: the key row is locked
/// first, then the conditional consume of <see cref="ActivationLimit"/>.
/// </summary>
internal sealed partial class CalPackActivations(
    LicensingDbContext db, IssuedKeyLookup lookup, PublisherSigning signing, TimeProvider time, ILogger<CalPackActivations> logger)
{
    public async Task<Outcome<CalPackActivationResponse>> ActivateAsync(CalPackActivationRequest request, IPAddress? client, CancellationToken ct)
    {
        using var span = ActivationTelemetry.Start(ActivationTelemetry.CalPack);
        var started = Stopwatch.GetTimestamp();
        var outcome = await TryActivateAsync(request, client, ct);
        ActivationTelemetry.Finish(span, ActivationTelemetry.CalPack, outcome, started);
        return outcome;
    }

    private async Task<Outcome<CalPackActivationResponse>> TryActivateAsync(CalPackActivationRequest request, IPAddress? client, CancellationToken ct)
    {
        // The KMS host ID's rule: a server ID is stored, logged and shown (PostgreSQL also refuses a NUL).
        if (string.IsNullOrWhiteSpace(request.ServerId) || request.ServerId.Length > KmsHostActivations.MaxHostIdLength
            || request.ServerId.Any(Hosting.LogText.IsUnsafe))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"'serverId' must be 1 to {KmsHostActivations.MaxHostIdLength} characters, without control or bidi characters.");
        }

        if (string.IsNullOrWhiteSpace(request.ServerPublicKey) || request.ServerPublicKey.Length > KmsHostActivations.MaxPublicKeyLength
            || !TrustedKey.TryFromPem(request.ServerPublicKey, out _, out _))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, "'serverPublicKey' must be the CAL server's ECDSA P-256 public key as PEM.");
        }

        var parsed = lookup.Parse(request.Key, client);
        if (!parsed.IsSuccess)
        {
            return parsed.Refusal;
        }

        if (parsed.Value.Type != KeyType.Mak)
        {
            return new Refusal(ErrorCatalogue.KeyWrongUse, $"This is a {parsed.Value.Type} key: a CAL pack installs with the MAK of a CAL order.");
        }

        var found = await lookup.FindAsync(parsed.Value, client, ct);
        if (!found.IsSuccess)
        {
            return found.Refusal;
        }

        var key = found.Value;
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Id == key.ProductId, ct);
        if (product.Category != ProductCategory.Cal)
        {
            return new Refusal(ErrorCatalogue.KeyNotForProduct, $"This MAK is for '{key.ProductId}', which is not a CAL product: it activates devices ('pk ato').");
        }

        if (key.Status == KeyStatus.Blocked)
        {
            return new Refusal(ErrorCatalogue.KeyBlocked);
        }

        var mode = product.CalType ?? CalMode.PerUser;
        var recorded = await RecordAsync(key, mode, request.ServerId, ct);
        if (recorded is not null)
        {
            LogRefused(logger, key.PartialKey, request.ServerId, recorded.Code);
            return recorded;
        }

        var purchased = await db.Orders.AsNoTracking().Where(o => o.Id == key.OrderId).Select(o => o.Quantity).SingleAsync(ct);
        // The pack size the order recorded when it was placed (what its listing shows), not today's Orders:CalPackSize.
        var installed = request.InstallPurchased
            ? purchased
            : await db.KeyPackages.AsNoTracking().Where(p => p.Id == key.KeyPackageId).Select(p => p.InstalledQuantity).SingleAsync(ct);
        var certificate = CalPackCertificate.Issue(signing.Signer, key.KeyPackageId.ToString(), product.Id, mode, purchased, installed, request.ServerId, request.ServerPublicKey);
        LogInstalled(logger, key.PartialKey, request.ServerId, product.Id, installed);
        return new CalPackActivationResponse(certificate.Text);
    }

    private async Task<Refusal?> RecordAsync(IssuedKey key, CalMode mode, string serverId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Locks the key's row (a no-op update): installs of one pack are serialized.
        await db.Keys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.ActivationsUsed, k => k.ActivationsUsed), ct);

        var otherModes = await (
            from i in db.CalPackInstallations
            join k in db.Keys on i.KeyId equals k.Id
            join p in db.Products on k.ProductId equals p.Id
            where i.ServerId == serverId && i.KeyId != key.Id
            select p.CalType).Distinct().ToListAsync(ct);
        if (otherModes.Any(m => (m ?? CalMode.PerUser) != mode))
        {
            await transaction.RollbackAsync(ct);
            return new Refusal(ErrorCatalogue.CalModeMismatch,
                $"CAL server '{serverId}' holds {otherModes.First(m => (m ?? CalMode.PerUser) != mode) ?? CalMode.PerUser} packs; this pack is {mode}: install it on another CAL server.");
        }

        var again = await db.CalPackInstallations
            .Where(i => i.KeyId == key.Id && i.ServerId == serverId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Installs, i => i.Installs + 1).SetProperty(i => i.LastInstalledAt, now), ct);
        if (again > 0)
        {
            await transaction.CommitAsync(ct);
            return null;
        }

        if (!await MakActivationRows.ConsumeOneAsync(db, key.Id, ct))
        {
            await transaction.RollbackAsync(ct);
            var limit = await db.Keys.AsNoTracking().Where(k => k.Id == key.Id).Select(k => new { k.ActivationLimit, k.Status }).SingleAsync(ct);
            return limit.Status == KeyStatus.Blocked
                ? new Refusal(ErrorCatalogue.KeyBlocked)
                : new Refusal(ErrorCatalogue.MakLimitReached,
                    $"This CAL pack is installed on {limit.ActivationLimit} CAL servers already: reinstall it on one of them, or contact the publisher.");
        }

        db.CalPackInstallations.Add(new CalPackInstallation
        {
            Id = Guid.NewGuid(),
            KeyId = key.Id,
            ServerId = serverId,
            FirstInstalledAt = now,
            LastInstalledAt = now,
            Installs = 1,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return null;
    }


    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "CAL pack MAK …{PartialKey} installed on CAL server {ServerId}: {Product} x{Installed}")]
    private static partial void LogInstalled(ILogger logger, string partialKey, string serverId, string product, int installed);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Information, Message = "CAL pack MAK …{PartialKey} refused CAL server {ServerId}: {Code}")]
    private static partial void LogRefused(ILogger logger, string partialKey, string serverId, string code);
}
