using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ProductKeys.AdminApi.Audit;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
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
        var listed = await AuditReading.ListAsync(user, db, after, limit, ct);
        return listed.IsSuccess ? TypedResults.Ok(listed.Value) : ApiProblems.From(listed.Refusal);
    }

    private static async Task<Results<Ok<AuditVerification>, ProblemHttpResult>> VerifyAsync(
        ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        var verified = await AuditReading.VerifyAsync(user, db, ct);
        return verified.IsSuccess ? TypedResults.Ok(verified.Value) : ApiProblems.From(verified.Refusal);
    }
}
