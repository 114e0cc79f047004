using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using ProductKeys.AdminApi.Keys;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Errors;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Keys;

/// <summary>The customer's keys, under the key rule (docs/product.md §6); every view and export is audited first.</summary>
internal static class ProductKeyEndpoints
{
    public static RouteGroupBuilder MapProductKeys(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/billing-accounts/{id:guid}/product-keys").WithTags(ApiTags.ProductKeys);
        keys.MapGet("/", ListAsync)
            .Describe("ListProductKeys", "List every key of a billing account with its plaintext (the key rule applies; audited).")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.ForbiddenNotBillingAdmin, ErrorCatalogue.ForbiddenNotAccountOwnerOrContributor, ErrorCatalogue.SecretsMismatch);
        keys.MapGet("/export", ExportAsync)
            .Describe("ExportProductKeys", "Download every key of a billing account as CSV (default) or JSON (?format=json); the key rule applies; audited.")
            .Produces<List<KeyRow>>(StatusCodes.Status200OK, "application/json")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // One status, two bodies: the default CSV beside the JSON array.
                if (operation.Responses?["200"] is OpenApiResponse { Content: { } content })
                {
                    content["text/csv"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Example = JsonValue.Create(KeyExport.CsvHeader + "\n") };
                }

                return Task.CompletedTask;
            })
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.ValidationFailed, ErrorCatalogue.ForbiddenNotBillingAdmin, ErrorCatalogue.ForbiddenNotAccountOwnerOrContributor, ErrorCatalogue.SecretsMismatch);
        return api;
    }

    private static async Task<Results<Ok<IAsyncEnumerable<KeyRow>>, ProblemHttpResult>> ListAsync(
        Guid id, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, KeySecrets secrets, ILoggerFactory loggers, CancellationToken ct)
    {
        var audited = await KeyDisclosure.DiscloseAsync(id, user, db, secrets, audit, loggers, KeyDisclosure.Viewed, ct);
        if (!audited.IsSuccess)
        {
            return ApiProblems.From(audited.Refusal);
        }

        return TypedResults.Ok(KeyRows.ReadAsync(db, secrets, id, audited.Value, ct));
    }

    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> ExportAsync(
        Guid id, string? format, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, KeySecrets secrets,
        IOptions<JsonOptions> json, ILoggerFactory loggers, CancellationToken ct)
    {
        var csv = format is null || format.Equals("csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblems.Validation($"format must be csv or json; it was '{format}'.");
        }

        var audited = await KeyDisclosure.DiscloseAsync(id, user, db, secrets, audit, loggers, csv ? KeyDisclosure.ExportedCsv : KeyDisclosure.ExportedJson, ct);
        if (!audited.IsSuccess)
        {
            return ApiProblems.From(audited.Refusal);
        }

        var rows = KeyRows.ReadAsync(db, secrets, id, audited.Value, ct);
        return csv
            ? TypedResults.Stream(body => KeyExport.WriteCsvAsync(body, rows, ct), KeyExport.CsvContentType, KeyExport.CsvFileName(id))
            : TypedResults.Stream(body => KeyExport.WriteJsonAsync(body, rows, json.Value.SerializerOptions, ct), "application/json", $"product-keys-{id}.json");
    }
}
