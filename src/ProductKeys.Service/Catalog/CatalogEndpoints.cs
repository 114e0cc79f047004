using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Data;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Catalog;

internal static class CatalogEndpoints
{
    public sealed record ProductResponse(
        string Id, string Name, string Category, int KeyGroup, IReadOnlyList<string> OrderYields,
        int HeadroomPercent, int HeadroomMinimum, int KmsThreshold, string SetupKey, string? KmsClientSetupKey);

    public static RouteGroupBuilder MapCatalog(this RouteGroupBuilder api)
    {
        api.MapGet("/products", ListAsync).WithTags("Catalog");
        return api;
    }

    /// <summary>The catalog, with each product's public setup and KMS client setup keys.</summary>
    private static async Task<Ok<List<ProductResponse>>> ListAsync(LicensingDbContext db, KeySecrets secrets, CancellationToken ct)
    {
        var products = await db.Products.AsNoTracking().OrderBy(p => p.Id).ToListAsync(ct);
        return TypedResults.Ok(products.ConvertAll(p => new ProductResponse(
            p.Id, p.Name, p.Category.ToString(), p.KeyGroup, CatalogKeys.OrderYields(p).Select(t => t.ToString()).ToList(),
            p.HeadroomPercent, p.HeadroomMinimum, p.KmsThreshold, CatalogKeys.SetupKey(p, secrets), CatalogKeys.KmsClientSetupKey(p, secrets))));
    }
}
