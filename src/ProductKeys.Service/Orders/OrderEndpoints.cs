using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProductKeys.AdminApi.Orders;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Service.Errors;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Orders;

internal static class OrderEndpoints
{
    public static RouteGroupBuilder MapOrders(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/billing-accounts/{id:guid}/orders").WithTags(ApiTags.Orders);
        orders.MapPost("/", PlaceAsync)
            .Describe("PlaceOrder", "Place an order; answers its key packages (key ids and types, never plaintext).")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.ForbiddenNotAccountOwnerOrContributor, ErrorCatalogue.ValidationFailed, ErrorCatalogue.Conflict)
            .Example(new OrderRequest("contoso-desktop", 100, null));
        orders.MapGet("/", ListAsync)
            .Describe("ListOrders", "List a billing account's orders with their key packages and keys (no plaintext).")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.Forbidden);
        return api;
    }

    private static async Task<Results<Created<PurchaseResponse>, ProblemHttpResult>> PlaceAsync(
        Guid id, OrderRequest request, ClaimsPrincipal user, LicensingDbContext db, OrderPlacement placement,
        IOptions<OrderOptions> options, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, id, role => AccessRules.MayPlaceOrders(role), ct);
        if (!access.IsSuccess)
        {
            return ApiProblems.From(access.Refusal);
        }

        var max = options.Value.MaxQuantity;
        if (string.IsNullOrWhiteSpace(request.Product) || request.Quantity is null)
        {
            return ApiProblems.Validation("Send {\"product\": ID, \"quantity\": N} (and \"split\": true to split CAL orders above the pack size).");
        }

        if (request.Quantity is < 1 || request.Quantity > max)
        {
            return ApiProblems.Validation($"quantity must be between 1 and {max}; it was {request.Quantity}.");
        }

        var product = await db.Products.AsNoTracking().SingleOrDefaultAsync(p => p.Id == request.Product, ct);
        if (product is null)
        {
            return ApiProblems.Validation($"There is no product '{request.Product}': list them with GET /api/v1/products.");
        }

        var placed = await placement.PlaceAsync(id, product, request.Quantity.Value, request.Split ?? false, user.UserId(), user.UserName(), ct);
        return placed.IsSuccess
            ? TypedResults.Created($"/api/v1/billing-accounts/{id}/orders/{placed.Value.Orders[0].Id}", placed.Value)
            : ApiProblems.From(placed.Refusal);
    }

    private static async Task<Results<Ok<List<OrderResponse>>, ProblemHttpResult>> ListAsync(
        Guid id, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, id, role => AccessRules.MayReadAccount(user, role), ct);
        if (!access.IsSuccess)
        {
            return ApiProblems.From(access.Refusal);
        }

        var orders = await db.Orders.AsNoTracking().Where(o => o.BillingAccountId == id).ToListAsync(ct);
        var packages = await db.KeyPackages.AsNoTracking().Join(db.Orders.Where(o => o.BillingAccountId == id), p => p.OrderId, o => o.Id, (p, o) => p).ToListAsync(ct);
        var keys = await db.Keys.AsNoTracking().Where(k => k.BillingAccountId == id)
            .Select(k => new { k.Id, k.KeyPackageId, k.Type, k.ActivationLimit, k.Serial }).ToListAsync(ct);
        var keysByPackage = keys.OrderBy(k => k.Serial).ToLookup(k => k.KeyPackageId);
        var packagesByOrder = packages.ToLookup(p => p.OrderId);
        return TypedResults.Ok(orders.OrderBy(o => o.PlacedAt).ThenBy(o => o.Id).Select(o => new OrderResponse(
            o.Id, o.BillingAccountId, o.ProductId, o.Quantity, o.PurchaseId, o.PlacedAt,
            packagesByOrder[o.Id].Select(p => new KeyPackageResponse(p.Id, p.InstalledQuantity,
                keysByPackage[p.Id].Select(k => new PackageKeyResponse(k.Id, k.Type, k.ActivationLimit)).ToList())).ToList())).ToList());
    }
}
