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

/// <summary>Onboarding customers: organizations (publisher), their users (publisher or Global admin), billing accounts (publisher).</summary>
internal static class OrganizationEndpoints
{
    public static RouteGroupBuilder MapOrganizations(this RouteGroupBuilder api)
    {
        var orgs = api.MapGroup("/organizations").WithTags(ApiTags.Organizations);
        orgs.MapGet("/", ListAsync)
            .Describe("ListOrganizations", "List organizations (publisher staff: all; others: their own).");
        orgs.MapPost("/", CreateAsync)
            .Describe("CreateOrganization", "Create a customer organization (publisher staff). Names are unique, whatever their case.")
            .Refuses(ErrorCatalogue.Forbidden, ErrorCatalogue.ValidationFailed, ErrorCatalogue.Conflict)
            .Example(new OrganizationRequest("Fabrikam"), new OrganizationResponse(Guid.Parse("5d1f0a3e-2b4c-4e7a-9f1d-6c8b7a5e4d3c"), "Fabrikam"));
        orgs.MapPost("/{id:guid}/users", AddUserAsync)
            .Describe("CreateUser", "Add a user to an organization (publisher staff, or its Global administrators).")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.Forbidden, ErrorCatalogue.ValidationFailed, ErrorCatalogue.Conflict)
            .Example(new UserRequest("bob", "a long passphrase", "BillingAdministrator"));
        orgs.MapPost("/{id:guid}/billing-accounts", AddAccountAsync)
            .Describe("CreateBillingAccount", "Create a billing account for an organization, with a first Owner (publisher staff).")
            .Refuses(ErrorCatalogue.Forbidden, ErrorCatalogue.NotFound, ErrorCatalogue.ValidationFailed)
            .Example(new AccountRequest("Fabrikam EA 2026", "bob"));
        return api;
    }

    private static async Task<Ok<List<OrganizationResponse>>> ListAsync(ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        var own = user.OrganizationId();
        var query = AccessRules.IsPublisherStaff(user) ? db.Organizations.AsNoTracking() : db.Organizations.AsNoTracking().Where(o => o.Id == own);
        return TypedResults.Ok(await query.OrderBy(o => o.Name).Select(o => new OrganizationResponse(o.Id, o.Name)).ToListAsync(ct));
    }

    private static async Task<Results<Created<OrganizationResponse>, ProblemHttpResult>> CreateAsync(
        OrganizationRequest request, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, CancellationToken ct)
    {
        if (AccessRules.MayManageCustomersAndCatalog(user) is { } refusal)
        {
            return ApiProblems.From(refusal);
        }

        if (!Names.IsValidDisplayName(request.Name))
        {
            return ApiProblems.Validation("Send {\"name\": NAME} with 1 to 200 characters.");
        }

        // Inside the audit's transaction, which serializes writers (SQLite's write lock, PostgreSQL's audit head row):
        // two creates of one name at once cannot both pass the check.
        await using var tx = await audit.BeginAsync(ct);
        var name = Names.Canonical(request.Name!);
        if (await OrganizationNames.FindAsync(db, name, ct) is { } taken)
        {
            return ApiProblems.From(ErrorCatalogue.Conflict,
                $"There is an organization named '{taken.Name}' already ({taken.Id}): names are unique, whatever their case. Use its id, or choose another name.");
        }

        var org = new Organization { Id = Guid.NewGuid(), Name = name };
        db.Organizations.Add(org);
        await audit.AppendAsync(user.UserName(), "organization.created", $"organization:{org.Id}", org.Name, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/organizations/{org.Id}", new OrganizationResponse(org.Id, org.Name));
    }

    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> AddUserAsync(
        Guid id, UserRequest request, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, CancellationToken ct)
    {
        var visible = AccessRules.IsPublisherStaff(user) || user.OrganizationId() == id;
        if (!visible || !await db.Organizations.AnyAsync(o => o.Id == id, ct))
        {
            return ApiProblems.NotFound($"There is no organization {id}.");
        }

        if (AccessRules.MayManageUsers(user, id) is { } refusal)
        {
            return ApiProblems.From(refusal);
        }

        if (!Names.IsValidUserName(request.Name) || request.Password is not { Length: >= UserNameRule.MinPasswordLength and <= UserNameRule.MaxPasswordLength }
            || !EnumName.TryParse<DirectoryRole>(request.DirectoryRole, ignoreCase: true, out var role)
            || role is not (DirectoryRole.User or DirectoryRole.BillingAdministrator or DirectoryRole.GlobalAdministrator))
        {
            return ApiProblems.Validation("Send {\"name\": NAME (letters, digits, . _ - @), \"password\": at least 8 characters, \"directoryRole\": \"User\" | \"BillingAdministrator\" | \"GlobalAdministrator\"}.");
        }

        await using var tx = await audit.BeginAsync(ct);
        if (await db.Users.AnyAsync(u => u.Name == request.Name, ct))
        {
            return ApiProblems.From(ErrorCatalogue.Conflict, $"The user name '{request.Name}' is taken.");
        }

        var created = new User { Id = Guid.NewGuid(), Name = request.Name!, OrganizationId = id, DirectoryRole = role, PasswordHash = "" };
        created.PasswordHash = Passwords.Hash(created, request.Password);
        db.Users.Add(created);
        await audit.AppendAsync(user.UserName(), "user.created", $"organization:{id}", $"{created.Name} ({role})", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/organizations/{id}/users/{created.Id}", new UserResponse(created.Id, created.Name, role.ToString(), id));
    }

    private static async Task<Results<Created<BillingAccountResponse>, ProblemHttpResult>> AddAccountAsync(
        Guid id, AccountRequest request, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, CancellationToken ct)
    {
        if (AccessRules.MayManageCustomersAndCatalog(user) is { } refusal)
        {
            return ApiProblems.From(refusal);
        }

        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct))
        {
            return ApiProblems.NotFound($"There is no organization {id}.");
        }

        if (!Names.IsValidDisplayName(request.Name) || !Names.IsValidUserName(request.Owner))
        {
            return ApiProblems.Validation("Send {\"name\": NAME, \"owner\": USER} where USER is a user of the organization.");
        }

        var owner = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Name == request.Owner && u.OrganizationId == id, ct);
        if (owner is null)
        {
            return ApiProblems.Validation($"There is no user '{request.Owner}' in organization {id}: add the owner first.");
        }

        await using var tx = await audit.BeginAsync(ct);
        var account = new BillingAccount { Id = Guid.NewGuid(), OrganizationId = id, Name = request.Name!.Trim() };
        db.BillingAccounts.Add(account);
        db.BillingProfiles.Add(new BillingProfile { Id = Guid.NewGuid(), BillingAccountId = account.Id, Name = account.Name });
        db.AccountRoles.Add(new AccountRoleAssignment { BillingAccountId = account.Id, UserId = owner.Id, Role = AccountRole.Owner });
        await audit.AppendAsync(user.UserName(), "billing-account.created", $"billing-account:{account.Id}", $"{account.Name}, owner {owner.Name}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/billing-accounts/{account.Id}",
            new BillingAccountResponse(account.Id, account.Name, id, nameof(AccountRole.Owner)));
    }
}
