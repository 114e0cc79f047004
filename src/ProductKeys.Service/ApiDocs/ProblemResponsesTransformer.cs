using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using ProductKeys.Core.Errors;

namespace ProductKeys.Service.ApiDocs;

/// <summary>
/// Writes each operation's refusals as problem-details responses, one example per catalogue code, so a
/// generated client knows every <c>code</c> it must handle. Adds what the pipeline answers for every
/// endpoint of a kind: 401 without a token, 400/413/415 for a body, 400 for a query, 429 when rate limited.
/// Also marks which operations need the bearer token, and attaches <see cref="ExampleMetadata"/>.
/// </summary>
internal sealed class ProblemResponsesTransformer(IOptions<JsonOptions> json) : IOpenApiOperationTransformer
{
    public const string ProblemContentType = "application/problem+json";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var codes = metadata.OfType<RefusalMetadata>().SelectMany(m => m.Codes).ToList();
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        if (!anonymous && metadata.OfType<IAuthorizeData>().Any())
        {
            codes.Add(ErrorCatalogue.Unauthenticated);
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDocumentTransformer.BearerScheme, context.Document)] = [] }];
        }
        else
        {
            operation.Security = [];
        }

        if (operation.RequestBody is not null)
        {
            codes.AddRange([ErrorCatalogue.ValidationFailed, ErrorCatalogue.PayloadTooLarge, ErrorCatalogue.UnsupportedMediaType]);
        }

        if (operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true)
        {
            codes.Add(ErrorCatalogue.ValidationFailed);
        }

        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            codes.Add(ErrorCatalogue.RateLimited);
        }

        if (context.Description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true)
        {
            // Every API operation reads the database, and answers 503 while it cannot (ADR 0029).
            codes.Add(ErrorCatalogue.DatabaseUnreachable);
        }

        foreach (var status in codes.Distinct().GroupBy(c => c.HttpStatus).OrderBy(g => g.Key))
        {
            Document(operation, context, status.Key, [.. status]);
        }

        if (operation.Responses is { Count: > 1 } responses)
        {
            // Statuses in order, whichever declared them.
            var sorted = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
            responses.Clear();
            foreach (var (status, response) in sorted)
            {
                responses[status] = response;
            }
        }

        if (metadata.OfType<ExampleMetadata>().LastOrDefault() is { } example)
        {
            AddExamples(operation, example);
        }

        return Task.CompletedTask;
    }

    private static void Document(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, IReadOnlyList<ErrorCode> codes)
    {
        operation.Responses ??= [];
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!operation.Responses.TryGetValue(key, out var existing) || existing is not OpenApiResponse response)
        {
            response = new OpenApiResponse();
            operation.Responses[key] = response;
        }

        response.Description = $"Refused with problem details; `code` is one of: {string.Join(", ", codes.Select(c => c.Code))}.";
        if (codes.Contains(ErrorCatalogue.DatabaseUnreachable))
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before retrying (1): the request may be sent again, to this node or another.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
            };
        }

        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        if (!response.Content.TryGetValue(ProblemContentType, out var media))
        {
            media = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchemaTransformer.SchemaId, context.Document) };
            response.Content[ProblemContentType] = media;
        }

        media.Examples = codes.ToDictionary(c => c.Code, c => (IOpenApiExample)new OpenApiExample
        {
            Summary = c.Code,
            Value = new JsonObject
            {
                ["type"] = ProblemTypes.For(c.HttpStatus),
                ["title"] = c.Message,
                ["status"] = c.HttpStatus,
                ["detail"] = c.Message,
                ["code"] = c.Code,
            },
        });
    }

    private void AddExamples(OpenApiOperation operation, ExampleMetadata example)
    {
        if (example.Request is not null && operation.RequestBody?.Content is { } requestContent)
        {
            foreach (var media in requestContent.Values)
            {
                media.Example = Serialize(example.Request);
            }
        }

        if (example.Response is not null && operation.Responses is { } responses)
        {
            var success = responses.Where(r => r.Key.StartsWith('2')).Select(r => r.Value).OfType<OpenApiResponse>().FirstOrDefault();
            if (success?.Content?.TryGetValue("application/json", out var media) == true)
            {
                media.Example = Serialize(example.Response);
            }
        }
    }

    private JsonNode? Serialize(object value) => JsonSerializer.SerializeToNode(value, value.GetType(), json.Value.SerializerOptions);
}
