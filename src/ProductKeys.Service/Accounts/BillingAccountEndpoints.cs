using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using ProductKeys.AdminApi.Accounts;
using ProductKeys.Data;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Accounts;

internal static class BillingAccountEndpoints
{
    public static RouteGroupBuilder MapBillingAccounts(this RouteGroupBuilder api)
    {
        api.MapGet("/billing-accounts", ListAsync).WithTags(ApiTags.BillingAccounts)
            .Describe("ListBillingAccounts", "List the billing accounts the caller holds a role on (publisher staff: all).");
        return api;
    }

    /// <summary>The accounts the caller holds a role on; publisher staff see every account.</summary>
    private static async Task<Ok<List<BillingAccountResponse>>> ListAsync(ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        var userId = user.UserId();
        var accounts = AccessRules.IsPublisherStaff(user)
            ? await db.BillingAccounts.AsNoTracking().OrderBy(a => a.Name)
                .Select(a => new BillingAccountResponse(a.Id, a.Name, a.OrganizationId, null)).ToListAsync(ct)
            : (await db.AccountRoles.AsNoTracking().Where(r => r.UserId == userId)
                .Join(db.BillingAccounts, r => r.BillingAccountId, a => a.Id, (r, a) => new { a.Id, a.Name, a.OrganizationId, r.Role })
                .OrderBy(x => x.Name).ToListAsync(ct))
                .ConvertAll(x => new BillingAccountResponse(x.Id, x.Name, x.OrganizationId, x.Role.ToString()));
        return TypedResults.Ok(accounts);
    }
}
