using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ProductKeys.AdminApi.Accounts;
using ProductKeys.Data;
using ProductKeys.Service.ApiDocs;

namespace ProductKeys.Service.Accounts;

internal static class BillingAccountEndpoints
{
    public static RouteGroupBuilder MapBillingAccounts(this RouteGroupBuilder api)
    {
        api.MapGet("/billing-accounts", ListAsync).WithTags(ApiTags.BillingAccounts)
            .Describe("ListBillingAccounts", "List the billing accounts the caller holds a role on (publisher staff: all).");
        return api;
    }

    private static async Task<Ok<List<BillingAccountResponse>>> ListAsync(ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await VisibleAccounts.ListAsync(user, db, ct));
}
