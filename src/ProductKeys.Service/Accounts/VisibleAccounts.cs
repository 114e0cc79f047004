using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ProductKeys.AdminApi.Accounts;
using ProductKeys.Data;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Accounts;

/// <summary>
/// The billing accounts a user holds a role on; publisher staff see every account (the API's list and the portal's). By
/// name, then id: names need not be unique, and the portal pages this list, so two reads must give one order.
/// </summary>
internal static class VisibleAccounts
{
    public static async Task<List<BillingAccountResponse>> ListAsync(ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        var userId = user.UserId();
        return AccessRules.IsPublisherStaff(user)
            ? await db.BillingAccounts.AsNoTracking().OrderBy(a => a.Name).ThenBy(a => a.Id)
                .Select(a => new BillingAccountResponse(a.Id, a.Name, a.OrganizationId, null)).ToListAsync(ct)
            : (await db.AccountRoles.AsNoTracking().Where(r => r.UserId == userId)
                .Join(db.BillingAccounts, r => r.BillingAccountId, a => a.Id, (r, a) => new { a.Id, a.Name, a.OrganizationId, r.Role })
                .OrderBy(x => x.Name).ThenBy(x => x.Id).ToListAsync(ct))
                .ConvertAll(x => new BillingAccountResponse(x.Id, x.Name, x.OrganizationId, x.Role.ToString()));
    }
}
