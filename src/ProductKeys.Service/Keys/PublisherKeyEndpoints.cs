using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Keys;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Errors;
using KeyMetadata = ProductKeys.AdminApi.Keys.KeyMetadata;
using LimitRequest = ProductKeys.AdminApi.Keys.LimitRequest;

namespace ProductKeys.Service.Keys;

/// <summary>Publisher staff: key metadata (never plaintext), block and unblock, raise a MAK's limit.</summary>
internal static class PublisherKeyEndpoints
{
    public const int MaxActivationLimit = KeyAdministration.MaxActivationLimit;

    public static RouteGroupBuilder MapPublisherKeys(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/keys").WithTags(ApiTags.PublisherKeys);
        keys.MapGet("/", ListAsync)
            .Describe("ListKeyMetadata", "List a billing account's keys as metadata, never plaintext (publisher staff).")
            .Refuses(ErrorCatalogue.Forbidden, ErrorCatalogue.ValidationFailed);
        keys.MapGet("/{keyId:guid}", GetAsync)
            .Describe("GetKeyMetadata", "A key's metadata: last five characters, type, limits, status (publisher staff).")
            .Refuses(ErrorCatalogue.Forbidden, ErrorCatalogue.NotFound);
        keys.MapPost("/{keyId:guid}/block", (Guid keyId, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, ILoggerFactory loggers, CancellationToken ct) =>
            SetStatusAsync(keyId, KeyStatus.Blocked, user, db, audit, loggers, ct))
            .Describe("BlockKey", "Block a key: it activates nothing more (publisher staff).")
            .Refuses(ErrorCatalogue.Forbidden, ErrorCatalogue.NotFound);
        keys.MapPost("/{keyId:guid}/unblock", (Guid keyId, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, ILoggerFactory loggers, CancellationToken ct) =>
            SetStatusAsync(keyId, KeyStatus.Active, user, db, audit, loggers, ct))
            .Describe("UnblockKey", "Unblock a key (publisher staff).")
            .Refuses(ErrorCatalogue.Forbidden, ErrorCatalogue.NotFound);
        keys.MapPost("/{keyId:guid}/limit", RaiseLimitAsync)
            .Describe("RaiseKeyLimit", "Raise a MAK's activation limit; it never lowers (publisher staff).")
            .Refuses(ErrorCatalogue.Forbidden, ErrorCatalogue.NotFound, ErrorCatalogue.ValidationFailed)
            .Example(new LimitRequest(500));
        return api;
    }

    private static async Task<Results<Ok<List<KeyMetadata>>, ProblemHttpResult>> ListAsync(
        Guid? billingAccount, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        if (AccessRules.MayManageKeys(user) is { } refusal)
        {
            return ApiProblems.From(refusal);
        }

        if (billingAccount is null)
        {
            return ApiProblems.Validation("Name the account: GET /api/v1/keys?billingAccount=ID.");
        }

        var keys = await KeyAdministration.ListAsync(billingAccount.Value, user, db, ct);
        return keys.IsSuccess ? TypedResults.Ok(keys.Value.ConvertAll(KeyWire.Metadata)) : ApiProblems.From(keys.Refusal);
    }

    private static async Task<Results<Ok<KeyMetadata>, ProblemHttpResult>> GetAsync(
        Guid keyId, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        if (AccessRules.MayManageKeys(user) is { } refusal)
        {
            return ApiProblems.From(refusal);
        }

        var key = await db.Keys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == keyId, ct);
        return key is null ? ApiProblems.NotFound($"There is no key {keyId}.") : TypedResults.Ok(KeyWire.Metadata(key));
    }

    private static async Task<Results<Ok<KeyMetadata>, ProblemHttpResult>> SetStatusAsync(
        Guid keyId, KeyStatus status, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, ILoggerFactory loggers, CancellationToken ct) =>
        Answer(await KeyAdministration.SetStatusAsync(keyId, status, user, db, audit, loggers, ct));

    private static async Task<Results<Ok<KeyMetadata>, ProblemHttpResult>> RaiseLimitAsync(
        Guid keyId, LimitRequest request, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, ILoggerFactory loggers, CancellationToken ct)
    {
        if (AccessRules.MayManageKeys(user) is { } refusal)
        {
            return ApiProblems.From(refusal);
        }

        if (request.ActivationLimit is not { } limit || limit < 1 || limit > MaxActivationLimit)
        {
            return ApiProblems.Validation($"Send {{\"activationLimit\": N}} with N between 1 and {MaxActivationLimit}.");
        }

        return Answer(await KeyAdministration.RaiseLimitAsync(keyId, limit, user, db, audit, loggers, ct));
    }

    private static Results<Ok<KeyMetadata>, ProblemHttpResult> Answer(Outcome<IssuedKey> outcome) =>
        outcome.IsSuccess ? TypedResults.Ok(KeyWire.Metadata(outcome.Value)) : ApiProblems.From(outcome.Refusal);
}
