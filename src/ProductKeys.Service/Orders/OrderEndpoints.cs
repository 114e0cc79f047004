using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ProductKeys.AdminApi.Orders;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Service.Errors;

namespace ProductKeys.Service.Orders;

internal static class OrderEndpoints
{
    public static RouteGroupBuilder MapOrders(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/billing-accounts/{id:guid}/orders").WithTags(ApiTags.Orders);
        orders.MapPost("/", PlaceAsync)
            .Describe("PlaceOrder", "Place an order; answers its key packages (key ids and types, never plaintext).")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.ForbiddenNotAccountOwnerOrContributor, ErrorCatalogue.ValidationFailed, ErrorCatalogue.Conflict, ErrorCatalogue.SecretsMismatch)
            .Example(new OrderRequest("contoso-desktop", 100, null));
        orders.MapGet("/", ListAsync)
            .Describe("ListOrders", "List a billing account's orders with their key packages and keys (no plaintext).")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.Forbidden);
        return api;
    }

    private static async Task<Results<Created<PurchaseResponse>, ProblemHttpResult>> PlaceAsync(
        Guid id, OrderRequest request, ClaimsPrincipal user, OrderPlacement placement, CancellationToken ct)
    {
        var placed = await placement.PlaceForAsync(id, request, user, ct);
        return placed.IsSuccess
            ? TypedResults.Created($"/api/v1/billing-accounts/{id}/orders/{placed.Value.Orders[0].Id}", placed.Value)
            : ApiProblems.From(placed.Refusal);
    }

    private static async Task<Results<Ok<List<OrderResponse>>, ProblemHttpResult>> ListAsync(
        Guid id, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        var listed = await OrderListing.ListAsync(id, user, db, ct);
        return listed.IsSuccess ? TypedResults.Ok(listed.Value) : ApiProblems.From(listed.Refusal);
    }
}
