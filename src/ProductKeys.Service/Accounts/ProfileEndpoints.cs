using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
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

/// <summary>
/// Billing profiles of an account and their roles (Owner, Contributor, Reader, InvoiceManager).
/// Account roles apply to every profile; owners of the account or of the profile grant profile roles.
/// </summary>
internal static class ProfileEndpoints
{
    public static RouteGroupBuilder MapProfiles(this RouteGroupBuilder api)
    {
        var profiles = api.MapGroup("/billing-accounts/{id:guid}/profiles").WithTags(ApiTags.BillingProfiles);
        profiles.MapGet("/", ListAsync)
            .Describe("ListBillingProfiles", "List a billing account's profiles with the caller's effective role on each.")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.Forbidden);
        profiles.MapPost("/", CreateAsync)
            .Describe("CreateBillingProfile", "Create a billing profile (owners of the account).")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.Forbidden, ErrorCatalogue.ValidationFailed)
            .Example(new ProfileRequest("Europe"));
        profiles.MapPost("/{profileId:guid}/roles", GrantAsync)
            .Describe("GrantProfileRole", "Grant a role on a billing profile (owners of the account or of the profile).")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.Forbidden, ErrorCatalogue.ValidationFailed)
            .Example(new ProfileRoleRequest("carol", "InvoiceManager"));
        profiles.MapDelete("/{profileId:guid}/roles/{userName}", RevokeAsync)
            .Describe("RevokeProfileRole", "Remove a user's own role on a billing profile (owners of the account or of the profile).")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.Forbidden);
        return api;
    }

    /// <summary>Each profile with the caller's effective role on it.</summary>
    private static async Task<Results<Ok<List<ProfileResponse>>, ProblemHttpResult>> ListAsync(
        Guid id, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, id, ct);
        if (!access.IsSuccess)
        {
            return ApiProblems.From(access.Refusal);
        }

        var userId = user.UserId();
        var profiles = await db.BillingProfiles.AsNoTracking().Where(p => p.BillingAccountId == id).OrderBy(p => p.Name).ToListAsync(ct);
        var mine = await db.ProfileRoles.AsNoTracking()
            .Where(r => r.UserId == userId && db.BillingProfiles.Any(p => p.Id == r.BillingProfileId && p.BillingAccountId == id))
            .ToDictionaryAsync(r => r.BillingProfileId, r => r.Role, ct);
        if (AccessRules.MayReadAccount(user, access.Value.Role) is { } refusal && mine.Count == 0)
        {
            return ApiProblems.From(refusal);
        }

        return TypedResults.Ok(profiles.ConvertAll(p => new ProfileResponse(p.Id, p.Name,
            AccessRules.EffectiveProfileRole(access.Value.Role, mine.TryGetValue(p.Id, out var r) ? r : null)?.ToString())));
    }

    private static async Task<Results<Created<ProfileResponse>, ProblemHttpResult>> CreateAsync(
        Guid id, ProfileRequest request, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, id, role => AccessRules.MayManageRoles(role), ct);
        if (!access.IsSuccess)
        {
            return ApiProblems.From(access.Refusal);
        }

        if (!Names.IsValidDisplayName(request.Name))
        {
            return ApiProblems.Validation("Send {\"name\": NAME} with 1 to 200 characters.");
        }

        await using var tx = await audit.BeginAsync(ct);
        var profile = new BillingProfile { Id = Guid.NewGuid(), BillingAccountId = id, Name = request.Name!.Trim() };
        db.BillingProfiles.Add(profile);
        await audit.AppendAsync(user.UserName(), "billing-profile.created", $"billing-account:{id}", profile.Name, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/billing-accounts/{id}/profiles/{profile.Id}", new ProfileResponse(profile.Id, profile.Name, nameof(ProfileRole.Owner)));
    }

    private static async Task<Results<Ok<RoleResponse>, ProblemHttpResult>> GrantAsync(
        Guid id, Guid profileId, ProfileRoleRequest request, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.User) || !EnumName.TryParse<ProfileRole>(request.Role, ignoreCase: true, out var role))
        {
            return ApiProblems.Validation("Send {\"user\": NAME, \"role\": \"Owner\" | \"Contributor\" | \"Reader\" | \"InvoiceManager\"}.");
        }

        await using var tx = await audit.BeginAsync(ct);
        var (target, problem) = await AuthorizeAsync(db, user, id, profileId, request.User, ct);
        if (problem is not null)
        {
            return problem;
        }

        var existing = await db.ProfileRoles.SingleOrDefaultAsync(r => r.BillingProfileId == profileId && r.UserId == target!.Id, ct);
        if (existing is null)
        {
            db.ProfileRoles.Add(new ProfileRoleAssignment { BillingProfileId = profileId, UserId = target!.Id, Role = role });
        }
        else
        {
            existing.Role = role;
        }

        await audit.AppendAsync(user.UserName(), "profile-role.granted", $"billing-profile:{profileId}", $"{target!.Name} is now {role}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new RoleResponse(target.Name, role.ToString()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid id, Guid profileId, string userName, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, CancellationToken ct)
    {
        await using var tx = await audit.BeginAsync(ct);
        var (target, problem) = await AuthorizeAsync(db, user, id, profileId, userName, ct);
        if (problem is not null)
        {
            return problem;
        }

        var existing = await db.ProfileRoles.SingleOrDefaultAsync(r => r.BillingProfileId == profileId && r.UserId == target!.Id, ct);
        if (existing is null)
        {
            return ApiProblems.NotFound($"{target!.Name} holds no role of its own on this billing profile.");
        }

        db.ProfileRoles.Remove(existing);
        await audit.AppendAsync(user.UserName(), "profile-role.revoked", $"billing-profile:{profileId}", $"{target!.Name} was {existing.Role}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>The caller must be an effective Owner of the profile; the target a user of the organization.</summary>
    private static async Task<(User? Target, ProblemHttpResult? Problem)> AuthorizeAsync(
        LicensingDbContext db, ClaimsPrincipal user, Guid id, Guid profileId, string userName, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, id, ct);
        if (!access.IsSuccess)
        {
            return (null, ApiProblems.From(access.Refusal));
        }

        if (!await db.BillingProfiles.AnyAsync(p => p.Id == profileId && p.BillingAccountId == id, ct))
        {
            return (null, ApiProblems.NotFound($"There is no billing profile {profileId} in this billing account."));
        }

        var userId = user.UserId();
        var own = await db.ProfileRoles.AsNoTracking().Where(r => r.BillingProfileId == profileId && r.UserId == userId)
            .Select(r => (ProfileRole?)r.Role).SingleOrDefaultAsync(ct);
        if (AccessRules.EffectiveProfileRole(access.Value.Role, own) != ProfileRole.Owner)
        {
            return (null, ApiProblems.From(ErrorCatalogue.Forbidden, "Only Owners of the billing account or of the profile grant profile roles."));
        }

        // A name no user can have is not looked up (PostgreSQL refuses a NUL in a string): NOT_FOUND as an unknown user.
        var target = Names.IsValidUserName(userName) ? await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Name == userName, ct) : null;
        return target is null || target.OrganizationId != access.Value.Account.OrganizationId
            ? (null, ApiProblems.NotFound($"There is no user '{userName}' in this billing account's organization."))
            : (target, null);
    }
}
