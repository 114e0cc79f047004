using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProductKeys.AdminApi.Identity;
using ProductKeys.Data;
using ProductKeys.Data.Accounts;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Errors;

namespace ProductKeys.Service.Identity;

/// <summary>
/// Sessions (bearer tokens) as administrators see them: everyone lists and revokes their own; Global
/// administrators those of their organization's users; publisher staff everyone's (ADR 0017).
/// </summary>
internal static class SessionAdminEndpoints
{
    public static RouteGroupBuilder MapSessionAdministration(this RouteGroupBuilder api)
    {
        api.MapGet("/sessions", ListAsync).WithTags("Sign-in")
            .WithName("ListSessions").WithSummary("List the sessions (bearer tokens) the caller may manage; ?user=NAME for one user's")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/sessions/{id:guid}", RevokeAsync).WithTags("Sign-in")
            .WithName("RevokeSession").WithSummary("Revoke a session (bearer token) at once, on every node")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<Ok<List<SessionInfo>>, ProblemHttpResult>> ListAsync(
        string? user, ClaimsPrincipal caller, LicensingDbContext db, IOptions<TokenOptions> options, CancellationToken ct)
    {
        var callerId = caller.UserId();
        IQueryable<User> users = db.Users.AsNoTracking();
        if (user is not null)
        {
            var target = Names.IsValidUserName(user) ? await users.SingleOrDefaultAsync(u => u.Name == user, ct) : null;
            if (target is null || (target.Id != callerId && !AccessRules.CanSeeUser(caller, target)))
            {
                return ApiProblems.NotFound($"There is no user '{Hosting.LogText.Safe(user)}' in your organization.");
            }

            if (target.Id != callerId && AccessRules.MayAdministerUser(caller, target) is { } refusal)
            {
                return ApiProblems.From(refusal);
            }

            users = users.Where(u => u.Id == target.Id);
        }
        else if (AccessRules.IsPublisherStaff(caller))
        {
            // Every session.
        }
        else if (caller.DirectoryRole() == DirectoryRole.GlobalAdministrator && caller.OrganizationId() is { } org)
        {
            users = users.Where(u => u.OrganizationId == org);
        }
        else
        {
            users = users.Where(u => u.Id == callerId);
        }

        var rows = await db.ApiTokens.AsNoTracking()
            .Join(users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, u.Name })
            .ToListAsync(ct);
        var current = caller.TokenId();
        return TypedResults.Ok(rows
            .Select(r => new SessionInfo(r.Token.Id, r.Name, r.Token.Label, r.Token.CreatedAt, TokenLifetime.ExpiresAt(r.Token, options.Value), r.Token.Id == current))
            .OrderBy(s => s.User, StringComparer.Ordinal).ThenBy(s => s.CreatedAt)
            .ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid id, ClaimsPrincipal caller, LicensingDbContext db, AuditLog audit, CancellationToken ct)
    {
        var found = await db.ApiTokens.AsNoTracking()
            .Where(t => t.Id == id)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => u)
            .SingleOrDefaultAsync(ct);
        var own = found?.Id == caller.UserId();
        if (found is null || (!own && !AccessRules.CanSeeUser(caller, found)))
        {
            return ApiProblems.NotFound($"There is no session {id} you can see.");
        }

        if (!own && AccessRules.MayAdministerUser(caller, found) is { } refusal)
        {
            return ApiProblems.From(refusal);
        }

        await using var tx = await audit.BeginAsync(ct);
        await db.ApiTokens.Where(t => t.Id == id).ExecuteDeleteAsync(ct);
        await audit.AppendAsync(caller.UserName(), "session.revoked", $"user:{found.Id}", $"{found.Name}; session {id}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
