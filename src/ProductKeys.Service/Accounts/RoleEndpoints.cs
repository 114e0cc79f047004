using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProductKeys.AdminApi.Accounts;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Accounts;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Errors;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Accounts;

/// <summary>Billing account roles: only owners grant and revoke; the last owner stays (LAST_OWNER).</summary>
internal static class RoleEndpoints
{
    public static RouteGroupBuilder MapRoles(this RouteGroupBuilder api)
    {
        var roles = api.MapGroup("/billing-accounts/{id:guid}/roles").WithTags(ApiTags.Roles);
        roles.MapGet("/", ListAsync)
            .Describe("ListRoles", "List who holds which role on a billing account.")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.Forbidden);
        roles.MapPost("/", GrantAsync)
            .Describe("GrantRole", "Grant or change a user's role on a billing account (owners only).")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.Forbidden, ErrorCatalogue.ValidationFailed, ErrorCatalogue.LastOwner)
            .Example(new RoleRequest("carol", "Contributor"), new RoleResponse("carol", "Contributor"));
        roles.MapDelete("/{userName}", RevokeAsync)
            .Describe("RevokeRole", "Remove a user's role on a billing account (owners only; the last owner stays).")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.Forbidden, ErrorCatalogue.LastOwner);
        return api;
    }

    private static async Task<Results<Ok<List<RoleResponse>>, ProblemHttpResult>> ListAsync(
        Guid id, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, id, role => AccessRules.MayReadAccount(user, role), ct);
        if (!access.IsSuccess)
        {
            return ApiProblems.From(access.Refusal);
        }

        var rows = await db.AccountRoles.AsNoTracking().Where(r => r.BillingAccountId == id)
            .Join(db.Users, r => r.UserId, u => u.Id, (r, u) => new { u.Name, r.Role })
            .OrderBy(x => x.Name).ToListAsync(ct);
        return TypedResults.Ok(rows.ConvertAll(x => new RoleResponse(x.Name, x.Role.ToString())));
    }

    private static async Task<Results<Ok<RoleResponse>, ProblemHttpResult>> GrantAsync(
        Guid id, RoleRequest request, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, ILoggerFactory loggers, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.User) || !EnumName.TryParse<AccountRole>(request.Role, ignoreCase: true, out var role))
        {
            return ApiProblems.Validation("Send {\"user\": NAME, \"role\": \"Owner\" | \"Contributor\" | \"Reader\"}.");
        }

        await using var tx = await audit.BeginAsync(ct);
        var (target, problem) = await AuthorizeAsync(db, user, id, request.User, ct);
        if (problem is not null)
        {
            return problem;
        }

        var existing = await db.AccountRoles.SingleOrDefaultAsync(r => r.BillingAccountId == id && r.UserId == target!.Id, ct);
        if (existing is { Role: AccountRole.Owner } && role != AccountRole.Owner && await OwnerCountAsync(db, id, ct) <= 1)
        {
            return ApiProblems.From(ErrorCatalogue.LastOwner, $"{target!.Name} is the last Owner of this billing account.");
        }

        if (existing is null)
        {
            db.AccountRoles.Add(new AccountRoleAssignment { BillingAccountId = id, UserId = target!.Id, Role = role });
        }
        else
        {
            existing.Role = role;
        }

        await audit.AppendAsync(user.UserName(), "role.granted", $"billing-account:{id}", $"{target!.Name} is now {role}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var logger = loggers.CreateLogger(AccountLog.Category);
        var actor = user.UserName();
        AccountLog.RoleGranted(logger, actor, target.Name, role, id);
        return TypedResults.Ok(new RoleResponse(target.Name, role.ToString()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid id, string userName, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, ILoggerFactory loggers, CancellationToken ct)
    {
        await using var tx = await audit.BeginAsync(ct);
        var (target, problem) = await AuthorizeAsync(db, user, id, userName, ct);
        if (problem is not null)
        {
            return problem;
        }

        var existing = await db.AccountRoles.SingleOrDefaultAsync(r => r.BillingAccountId == id && r.UserId == target!.Id, ct);
        if (existing is null)
        {
            return ApiProblems.NotFound($"{target!.Name} holds no role on this billing account.");
        }

        if (existing.Role == AccountRole.Owner && await OwnerCountAsync(db, id, ct) <= 1)
        {
            return ApiProblems.From(ErrorCatalogue.LastOwner, $"{target!.Name} is the last Owner of this billing account.");
        }

        db.AccountRoles.Remove(existing);
        await audit.AppendAsync(user.UserName(), "role.revoked", $"billing-account:{id}", $"{target!.Name} was {existing.Role}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var logger = loggers.CreateLogger(AccountLog.Category);
        var actor = user.UserName();
        AccountLog.RoleRevoked(logger, actor, target!.Name, id);
        return TypedResults.NoContent();
    }

    /// <summary>The caller must be an owner; the target must be a user of the account's organization.</summary>
    private static async Task<(User? Target, ProblemHttpResult? Problem)> AuthorizeAsync(
        LicensingDbContext db, ClaimsPrincipal user, Guid id, string userName, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, id, role => AccessRules.MayManageRoles(role), ct);
        if (!access.IsSuccess)
        {
            return (null, ApiProblems.From(access.Refusal));
        }

        // A name no user can have is not looked up (PostgreSQL refuses a NUL in a string): NOT_FOUND as an unknown user.
        var target = Names.IsValidUserName(userName) ? await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Name == userName, ct) : null;
        return target is null || target.OrganizationId != access.Value.Account.OrganizationId
            ? (null, ApiProblems.NotFound($"There is no user '{userName}' in this billing account's organization."))
            : (target, null);
    }

    private static Task<int> OwnerCountAsync(LicensingDbContext db, Guid id, CancellationToken ct) =>
        db.AccountRoles.CountAsync(r => r.BillingAccountId == id && r.Role == AccountRole.Owner, ct);
}
