using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using ProductKeys.AdminApi.Accounts;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Accounts;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Errors;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Accounts;

/// <summary>
/// A user's lifecycle after creation (ADR 0017): disable (every session revoked at once, on every node,
/// since tokens are checked in the database), enable, and a new password (the user's other sessions revoked).
/// </summary>
internal static class UserEndpoints
{
    public static RouteGroupBuilder MapUsers(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapPost("/{name}/disable", DisableAsync)
            .WithName("DisableUser").WithSummary("Disable a user and revoke every session of theirs")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPost("/{name}/enable", EnableAsync)
            .WithName("EnableUser").WithSummary("Let a disabled user sign in again")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/{name}/password", SetPasswordAsync)
            .WithName("SetUserPassword").WithSummary("Set a user's password and revoke their other sessions")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<Ok<UserStatusResponse>, ProblemHttpResult>> DisableAsync(
        string name, ClaimsPrincipal caller, LicensingDbContext db, AuditLog audit, CancellationToken ct)
    {
        var target = await FindAsync(db, caller, name, ct);
        if (!target.IsSuccess)
        {
            return ApiProblems.From(target.Refusal);
        }

        if (target.Value.Id == caller.UserId())
        {
            return ApiProblems.From(ErrorCatalogue.Conflict, "You cannot disable yourself: ask another administrator.");
        }

        return TypedResults.Ok(await ChangeAsync(db, audit, caller, target.Value, "user.disabled", u => u.IsDisabled = true, keepToken: null, revoke: true, ct));
    }

    private static async Task<Results<Ok<UserStatusResponse>, ProblemHttpResult>> EnableAsync(
        string name, ClaimsPrincipal caller, LicensingDbContext db, AuditLog audit, CancellationToken ct)
    {
        var target = await FindAsync(db, caller, name, ct);
        return target.IsSuccess
            ? TypedResults.Ok(await ChangeAsync(db, audit, caller, target.Value, "user.enabled", u => u.IsDisabled = false, keepToken: null, revoke: false, ct))
            : ApiProblems.From(target.Refusal);
    }

    private static async Task<Results<Ok<UserStatusResponse>, ProblemHttpResult>> SetPasswordAsync(
        string name, PasswordRequest request, ClaimsPrincipal caller, LicensingDbContext db, AuditLog audit, CancellationToken ct)
    {
        var target = await FindAsync(db, caller, name, ct);
        if (!target.IsSuccess)
        {
            return ApiProblems.From(target.Refusal);
        }

        if (request.Password is not { Length: >= UserNameRule.MinPasswordLength and <= UserNameRule.MaxPasswordLength } password)
        {
            return ApiProblems.Validation($"Send {{\"password\": {UserNameRule.MinPasswordLength} to {UserNameRule.MaxPasswordLength} characters}}.");
        }

        // The caller keeps the session they are using (setting one's own password); every other session ends.
        return TypedResults.Ok(await ChangeAsync(db, audit, caller, target.Value, "user.password-set",
            u => u.PasswordHash = Passwords.Hash(u, password), keepToken: caller.TokenId(), revoke: true, ct));
    }

    /// <summary>The user by name if the caller may see and administer them; NOT_FOUND for other organizations' users (ADR 0005).</summary>
    private static async Task<Outcome<User>> FindAsync(LicensingDbContext db, ClaimsPrincipal caller, string name, CancellationToken ct)
    {
        var target = Names.IsValidUserName(name) ? await db.Users.SingleOrDefaultAsync(u => u.Name == name, ct) : null;
        if (target is null || !AccessRules.CanSeeUser(caller, target))
        {
            return new Refusal(ErrorCatalogue.NotFound, $"There is no user '{Hosting.LogText.Safe(name)}' in your organization.");
        }

        return AccessRules.MayAdministerUser(caller, target) is { } refusal ? refusal : target;
    }

    private static async Task<UserStatusResponse> ChangeAsync(LicensingDbContext db, AuditLog audit, ClaimsPrincipal caller, User target, string action,
        Action<User> change, Guid? keepToken, bool revoke, CancellationToken ct)
    {
        await using var tx = await audit.BeginAsync(ct);
        change(target);
        var revoked = revoke
            ? await db.ApiTokens.Where(t => t.UserId == target.Id && t.Id != keepToken).ExecuteDeleteAsync(ct)
            : 0;
        await audit.AppendAsync(caller.UserName(), action, $"user:{target.Id}", $"{target.Name}; {revoked} session(s) revoked", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new UserStatusResponse(target.Id, target.Name, target.DirectoryRole.ToString(), target.OrganizationId, target.IsDisabled, revoked);
    }
}
