using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ProductKeys.AdminApi.Orders;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.Accounts;

namespace ProductKeys.Service.Orders;

/// <summary>A billing account's orders with their key packages and keys (no plaintext); for the API and the portal.</summary>
internal static class OrderListing
{
    public static async Task<Outcome<List<OrderResponse>>> ListAsync(Guid id, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, id, role => AccessRules.MayReadAccount(user, role), ct);
        if (!access.IsSuccess)
        {
            return access.Refusal;
        }

        var orders = await db.Orders.AsNoTracking().Where(o => o.BillingAccountId == id).ToListAsync(ct);
        var packages = await db.KeyPackages.AsNoTracking().Join(db.Orders.Where(o => o.BillingAccountId == id), p => p.OrderId, o => o.Id, (p, o) => p).ToListAsync(ct);
        var keys = await db.Keys.AsNoTracking().Where(k => k.BillingAccountId == id)
            .Select(k => new { k.Id, k.KeyPackageId, k.Type, k.ActivationLimit, k.Serial }).ToListAsync(ct);
        var keysByPackage = keys.OrderBy(k => k.Serial).ToLookup(k => k.KeyPackageId);
        var packagesByOrder = packages.ToLookup(p => p.OrderId);
        return orders.OrderBy(o => o.PlacedAt).ThenBy(o => o.Id).Select(o => new OrderResponse(
            o.Id, o.BillingAccountId, o.ProductId, o.Quantity, o.PurchaseId, o.PlacedAt,
            packagesByOrder[o.Id].Select(p => new KeyPackageResponse(p.Id, p.InstalledQuantity,
                keysByPackage[p.Id].Select(k => new PackageKeyResponse(k.Id, k.Type, k.ActivationLimit)).ToList())).ToList())).ToList();
    }
}
