using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Data;
using ProductKeys.Data.Keys;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Errors;
using ProductKeys.Service.Identity;
using KeyMetadata = ProductKeys.AdminApi.Keys.KeyMetadata;
using LimitRequest = ProductKeys.AdminApi.Keys.LimitRequest;

namespace ProductKeys.Service.Keys;

/// <summary>Publisher staff: key metadata (never plaintext), block and unblock, raise a MAK's limit.</summary>
internal static class PublisherKeyEndpoints
{
    public const int MaxActivationLimit = 100_000_000;

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

        var keys = await db.Keys.AsNoTracking().Where(k => k.BillingAccountId == billingAccount)
            .OrderBy(k => k.KeyGroup).ThenBy(k => k.Serial).ToListAsync(ct);
        return TypedResults.Ok(keys.ConvertAll(KeyWire.Metadata));
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
        Guid keyId, KeyStatus status, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, ILoggerFactory loggers, CancellationToken ct)
    {
        if (AccessRules.MayManageKeys(user) is { } refusal)
        {
            return ApiProblems.From(refusal);
        }

        await using var tx = await audit.BeginAsync(ct);
        var key = await db.Keys.SingleOrDefaultAsync(k => k.Id == keyId, ct);
        if (key is null)
        {
            return ApiProblems.NotFound($"There is no key {keyId}.");
        }

        key.Status = status;
        await audit.AppendAsync(user.UserName(), status == KeyStatus.Blocked ? "key.blocked" : "key.unblocked",
            $"key:{keyId}", $"{key.Type} …{key.PartialKey} of billing-account:{key.BillingAccountId}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var logger = loggers.CreateLogger(KeyLog.Category);
        var actor = user.UserName();
        KeyLog.StatusChanged(logger, actor, key.PartialKey, key.Id, status);
        return TypedResults.Ok(KeyWire.Metadata(key));
    }

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

        await using var tx = await audit.BeginAsync(ct);
        var key = await db.Keys.SingleOrDefaultAsync(k => k.Id == keyId, ct);
        if (key is null)
        {
            return ApiProblems.NotFound($"There is no key {keyId}.");
        }

        if (key.Type != KeyType.Mak)
        {
            return ApiProblems.Validation($"Only a MAK's limit can be raised; this key is a {key.Type} key.");
        }

        if (limit < key.ActivationLimit)
        {
            return ApiProblems.Validation($"The limit can only be raised: it is {key.ActivationLimit}, asked {limit}.");
        }

        var old = key.ActivationLimit;
        key.ActivationLimit = limit;
        await audit.AppendAsync(user.UserName(), "key.limit-raised", $"key:{keyId}", $"MAK …{key.PartialKey}: {old} → {limit}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var logger = loggers.CreateLogger(KeyLog.Category);
        var actor = user.UserName();
        KeyLog.LimitRaised(logger, actor, key.PartialKey, key.Id, old, limit);
        return TypedResults.Ok(KeyWire.Metadata(key));
    }
}
