using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ProductKeys.AdminApi.Orders;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Orders;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Portal;

namespace ProductKeys.Service.Orders;

/// <summary>A billing account's orders with their key packages and keys (no plaintext); for the API and the portal.</summary>
internal static class OrderListing
{
    /// <summary>Every order of the account, the oldest first (the API).</summary>
    public static async Task<Outcome<List<OrderResponse>>> ListAsync(Guid id, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        if (await RefusalAsync(id, user, db, ct) is { } refusal)
        {
            return refusal;
        }

        var orders = await db.Orders.AsNoTracking().Where(o => o.BillingAccountId == id).ToListAsync(ct);
        return await WithPackagesAsync(db, id, orders.OrderBy(o => o.PlacedAt).ThenBy(o => o.Id).ToList(), ct);
    }

    /// <summary>
    /// One page of the account's orders, the newest first (the portal, <see cref="NewestFirst"/>): an account with
    /// thousands of orders reads whole and renders only the page shown, with its packages and keys.
    /// </summary>
    public static async Task<Outcome<(List<OrderResponse> Orders, PageWindow Window)>> ListPageAsync(
        Guid id, int requested, int pageSize, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        if (await RefusalAsync(id, user, db, ct) is { } refusal)
        {
            return refusal;
        }

        var placed = await db.Orders.AsNoTracking().Where(o => o.BillingAccountId == id).Select(o => new { o.Id, o.PlacedAt }).ToListAsync(ct);
        var window = PageWindow.For(placed.Count, pageSize, requested);
        var ids = NewestFirst.Ids(placed.Select(o => (o.Id, o.PlacedAt)), window.Skip, window.Size);
        var rows = await db.Orders.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        return (await WithPackagesAsync(db, id, NewestFirst.InOrder(ids, rows), ct), window);
    }

    private static async Task<Refusal?> RefusalAsync(Guid id, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, id, role => AccessRules.MayReadAccount(user, role), ct);
        return access.IsSuccess ? null : access.Refusal;
    }

    /// <summary>These orders of the account, in the order given, with their packages and keys (by serial).</summary>
    private static async Task<List<OrderResponse>> WithPackagesAsync(LicensingDbContext db, Guid accountId, List<Order> orders, CancellationToken ct)
    {
        var orderIds = orders.Select(o => o.Id).ToList();
        var packages = await db.KeyPackages.AsNoTracking().Where(p => orderIds.Contains(p.OrderId)).ToListAsync(ct);
        var keys = await db.Keys.AsNoTracking().Where(k => k.BillingAccountId == accountId && orderIds.Contains(k.OrderId))
            .Select(k => new { k.Id, k.KeyPackageId, k.Type, k.ActivationLimit, k.Serial }).ToListAsync(ct);
        var keysByPackage = keys.OrderBy(k => k.Serial).ToLookup(k => k.KeyPackageId);
        var packagesByOrder = packages.ToLookup(p => p.OrderId);
        return orders.ConvertAll(o => new OrderResponse(
            o.Id, o.BillingAccountId, o.ProductId, o.Quantity, o.PurchaseId, o.PlacedAt,
            packagesByOrder[o.Id].Select(p => new KeyPackageResponse(p.Id, p.InstalledQuantity,
                keysByPackage[p.Id].Select(k => new PackageKeyResponse(k.Id, k.Type, k.ActivationLimit)).ToList())).ToList()));
    }
}
