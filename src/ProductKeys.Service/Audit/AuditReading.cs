using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ProductKeys.AdminApi.Audit;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Audit;
using ProductKeys.Service.Accounts;

namespace ProductKeys.Service.Audit;

/// <summary>Publisher staff read the audit log and verify its chain; one implementation for the API and the portal.</summary>
internal static class AuditReading
{
    public const int MaxLimit = 10_000;

    public static async Task<Outcome<List<AuditEntryResponse>>> ListAsync(
        ClaimsPrincipal user, LicensingDbContext db, long? after, int? limit, CancellationToken ct)
    {
        if (AccessRules.MayManageKeys(user) is { } refusal)
        {
            return refusal;
        }

        if (limit is < 1 or > MaxLimit || after is < 0)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"limit must be 1..{MaxLimit} and after must not be negative.");
        }

        var from = after ?? 0;
        var rows = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence > from)
            .OrderBy(e => e.Sequence).Take(limit ?? 1000).ToListAsync(ct);
        return rows.ConvertAll(e => new AuditEntryResponse(e.Sequence, e.At, e.Actor, e.Action, e.Subject, e.Detail, e.Hash));
    }

    /// <summary>The whole chain up to the head: "intact", or the first changed or deleted entry.</summary>
    public static async Task<Outcome<AuditVerification>> VerifyAsync(ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        if (AccessRules.MayManageKeys(user) is { } refusal)
        {
            return refusal;
        }

        var head = await db.AuditHeads.AsNoTracking().SingleAsync(h => h.Id == AuditHead.SingletonId, ct);
        var entries = db.AuditEntries.AsNoTracking().Where(e => e.Sequence <= head.LastSequence)
            .OrderBy(e => e.Sequence).AsAsyncEnumerable();
        return await AuditChain.VerifyAsync(entries, head);
    }
}
