using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using ProductKeys.AdminApi.Audit;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Audit;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Service.Errors;

namespace ProductKeys.Service.Audit;

/// <summary>The audit log, for publisher staff: read it and verify its chain.</summary>
internal static class AuditEndpoints
{
    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags(ApiTags.Audit);
        audit.MapGet("/", ListAsync)
            .Describe("ListAuditEntries", "List audit entries in order, after a sequence number (publisher staff).")
            .Refuses(ErrorCatalogue.Forbidden, ErrorCatalogue.ValidationFailed);
        audit.MapGet("/verify", VerifyAsync)
            .Describe("VerifyAudit", "Check the whole hash chain; names the first changed or deleted entry (publisher staff).")
            .Refuses(ErrorCatalogue.Forbidden);
        return api;
    }

    private static async Task<Results<Ok<List<AuditEntryResponse>>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, LicensingDbContext db, long? after, int? limit, CancellationToken ct)
    {
        if (AccessRules.MayManageKeys(user) is { } refusal)
        {
            return ApiProblems.From(refusal);
        }

        if (limit is < 1 or > 10_000 || after is < 0)
        {
            return ApiProblems.Validation("limit must be 1..10000 and after must not be negative.");
        }

        var from = after ?? 0;
        var rows = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence > from)
            .OrderBy(e => e.Sequence).Take(limit ?? 1000).ToListAsync(ct);
        return TypedResults.Ok(rows.ConvertAll(e => new AuditEntryResponse(e.Sequence, e.At, e.Actor, e.Action, e.Subject, e.Detail, e.Hash)));
    }

    private static async Task<Results<Ok<AuditVerification>, ProblemHttpResult>> VerifyAsync(
        ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        if (AccessRules.MayManageKeys(user) is { } refusal)
        {
            return ApiProblems.From(refusal);
        }

        var head = await db.AuditHeads.AsNoTracking().SingleAsync(h => h.Id == AuditHead.SingletonId, ct);
        var entries = db.AuditEntries.AsNoTracking().Where(e => e.Sequence <= head.LastSequence)
            .OrderBy(e => e.Sequence).AsAsyncEnumerable();
        return TypedResults.Ok(await AuditChain.VerifyAsync(entries, head));
    }
}
