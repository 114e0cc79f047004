using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Data;
using ProductKeys.Data.Keys;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Keys;

/// <summary>
/// Publisher staff's key work — metadata (never plaintext), block and unblock, raise a MAK's limit — each
/// audited; one implementation for the API's <c>/keys</c> endpoints and the portal's manage page.
/// </summary>
internal static class KeyAdministration
{
    public const int MaxActivationLimit = 100_000_000;

    public static async Task<Outcome<List<IssuedKey>>> ListAsync(Guid accountId, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        if (AccessRules.MayManageKeys(user) is { } refusal)
        {
            return refusal;
        }

        return await db.Keys.AsNoTracking().Where(k => k.BillingAccountId == accountId)
            .OrderBy(k => k.KeyGroup).ThenBy(k => k.Serial).ToListAsync(ct);
    }

    public static async Task<Outcome<IssuedKey>> SetStatusAsync(
        Guid keyId, KeyStatus status, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, ILoggerFactory loggers, CancellationToken ct)
    {
        if (AccessRules.MayManageKeys(user) is { } refusal)
        {
            return refusal;
        }

        await using var tx = await audit.BeginAsync(ct);
        var key = await db.Keys.SingleOrDefaultAsync(k => k.Id == keyId, ct);
        if (key is null)
        {
            return new Refusal(ErrorCatalogue.NotFound, $"There is no key {keyId}.");
        }

        key.Status = status;
        await audit.AppendAsync(user.UserName(), status == KeyStatus.Blocked ? "key.blocked" : "key.unblocked",
            $"key:{keyId}", $"{key.Type} …{key.PartialKey} of billing-account:{key.BillingAccountId}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var logger = loggers.CreateLogger(KeyLog.Category);
        var actor = user.UserName();
        KeyLog.StatusChanged(logger, actor, key.PartialKey, key.Id, status);
        return key;
    }

    public static async Task<Outcome<IssuedKey>> RaiseLimitAsync(
        Guid keyId, int? limit, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, ILoggerFactory loggers, CancellationToken ct)
    {
        if (AccessRules.MayManageKeys(user) is { } refusal)
        {
            return refusal;
        }

        if (limit is not { } wanted || wanted < 1 || wanted > MaxActivationLimit)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"The new limit must be a whole number between 1 and {MaxActivationLimit}.");
        }

        await using var tx = await audit.BeginAsync(ct);
        var key = await db.Keys.SingleOrDefaultAsync(k => k.Id == keyId, ct);
        if (key is null)
        {
            return new Refusal(ErrorCatalogue.NotFound, $"There is no key {keyId}.");
        }

        if (key.Type != KeyType.Mak)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"Only a MAK's limit can be raised; this key is a {key.Type} key.");
        }

        if (wanted < key.ActivationLimit)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"The limit can only be raised: it is {key.ActivationLimit}, asked {wanted}.");
        }

        var old = key.ActivationLimit;
        key.ActivationLimit = wanted;
        await audit.AppendAsync(user.UserName(), "key.limit-raised", $"key:{keyId}", $"MAK …{key.PartialKey}: {old} → {wanted}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var logger = loggers.CreateLogger(KeyLog.Category);
        var actor = user.UserName();
        KeyLog.LimitRaised(logger, actor, key.PartialKey, key.Id, old, wanted);
        return key;
    }
}
