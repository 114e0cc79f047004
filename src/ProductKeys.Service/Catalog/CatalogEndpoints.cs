using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using ProductKeys.AdminApi.Catalog;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Data;
using ProductKeys.Data.Catalog;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Errors;
using ProductKeys.Service.Identity;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Catalog;

internal static class CatalogEndpoints
{
    public static RouteGroupBuilder MapCatalog(this RouteGroupBuilder api)
    {
        api.MapGet("/products", ListAsync).WithTags(ApiTags.Catalog)
            .Describe("ListProducts", "List the catalog with each product's public setup and KMS client setup keys.");
        api.MapPost("/products", CreateAsync).WithTags(ApiTags.Catalog)
            .Describe("CreateProduct", "Add a product to the catalog (publisher staff); its id and key group must be free.")
            .Refuses(ErrorCatalogue.Forbidden, ErrorCatalogue.ValidationFailed, ErrorCatalogue.Conflict)
            .Example(new ProductRequest("contoso-desktop", "Contoso Desktop", "Desktop", 7, true, null, null, null));
        return api;
    }

    /// <summary>Publisher staff add a product; its key group must be free.</summary>
    private static async Task<Results<Created<ProductResponse>, ProblemHttpResult>> CreateAsync(
        ProductRequest request, ClaimsPrincipal user, LicensingDbContext db, KeySecrets secrets, AuditLog audit, CancellationToken ct)
    {
        if (AccessRules.MayManageCustomersAndCatalog(user) is { } refusal)
        {
            return ApiProblems.From(refusal);
        }

        if (!Names.IsValidSlug(request.Id) || !Names.IsValidDisplayName(request.Name)
            || !EnumName.TryParse<ProductCategory>(request.Category, ignoreCase: true, out var category)
            || request.KeyGroup is not (>= 1 and <= ProductKey.MaxGroup)
            || request.HeadroomPercent is < ProductLimits.MinHeadroomPercent or > ProductLimits.MaxHeadroomPercent
            || request.HeadroomMinimum is < 0 or > ProductLimits.MaxHeadroomMinimum || request.KmsThreshold is < 0 or > ProductLimits.MaxKmsThreshold
            || !TryCalType(category, request.CalType, out var calType))
        {
            return ApiProblems.Validation(
                "Send {\"id\": slug, \"name\", \"category\": \"Desktop\" | \"Server\" | \"Cal\", \"keyGroup\": 1..1048575}, optionally " +
                "\"yieldsKmsHostKey\", \"headroomPercent\" (100..1000), \"headroomMinimum\" (0..1000000), \"kmsThreshold\" (0..1000); a Cal product \"calType\": \"PerUser\" (default) | \"PerDevice\" (docs/product.md §5).");
        }

        await using var tx = await audit.BeginAsync(ct);
        if (await db.Products.AnyAsync(p => p.Id == request.Id || p.KeyGroup == request.KeyGroup, ct))
        {
            return ApiProblems.From(ErrorCatalogue.Conflict, $"A product with id '{request.Id}' or key group {request.KeyGroup} exists.");
        }

        var product = new Product
        {
            Id = request.Id!,
            Name = request.Name!.Trim(),
            Category = category,
            CalType = calType,
            KeyGroup = request.KeyGroup.Value,
            YieldsKmsHostKey = request.YieldsKmsHostKey ?? false,
            HeadroomPercent = request.HeadroomPercent ?? 125,
            HeadroomMinimum = request.HeadroomMinimum ?? 5,
            KmsThreshold = request.KmsThreshold ?? KmsThresholds.DefaultFor(category),
        };
        db.Products.Add(product);
        if (!await db.KeyGroupCounters.AnyAsync(c => c.KeyGroup == product.KeyGroup, ct))
        {
            db.KeyGroupCounters.Add(new KeyGroupCounter { KeyGroup = product.KeyGroup, NextSerial = 1 });
        }

        await audit.AppendAsync(user.UserName(), "product.created", $"product:{product.Id}", $"{product.Name}, {category}, key group {product.KeyGroup}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/products/{product.Id}", ToResponse(product, secrets));
    }

    /// <summary>The catalog, with each product's public setup and KMS client setup keys.</summary>
    private static async Task<Ok<List<ProductResponse>>> ListAsync(LicensingDbContext db, KeySecrets secrets, CancellationToken ct)
    {
        var products = await db.Products.AsNoTracking().OrderBy(p => p.Id).ToListAsync(ct);
        return TypedResults.Ok(products.ConvertAll(p => ToResponse(p, secrets)));
    }

    private static ProductResponse ToResponse(Product p, KeySecrets secrets) => new(
        p.Id, p.Name, p.Category.ToString(), p.KeyGroup, CatalogKeys.OrderYields(p).Select(t => t.ToString()).ToList(),
        p.HeadroomPercent, p.HeadroomMinimum, p.KmsThreshold, CatalogKeys.SetupKey(p, secrets), CatalogKeys.KmsClientSetupKey(p, secrets), p.CalType?.ToString());

    /// <summary>A CAL product has a mode (per user unless it says per device, as CAL products before the CAL server); no other product has one.</summary>
    private static bool TryCalType(ProductCategory category, string? text, out CalMode? calType)
    {
        calType = null;
        if (category != ProductCategory.Cal)
        {
            return text is null;
        }

        if (text is null)
        {
            calType = CalMode.PerUser;
            return true;
        }

        if (!EnumName.TryParse<CalMode>(text, ignoreCase: true, out var mode))
        {
            return false;
        }

        calType = mode;
        return true;
    }
}
