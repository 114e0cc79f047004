using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using ProductKeys.Core.Errors;

namespace ProductKeys.Service.ApiDocs;

/// <summary>Every problem answer carries the catalogue's stable <c>code</c> (Errors/ApiProblems): say so in its schema.</summary>
internal sealed class ProblemSchemaTransformer : IOpenApiSchemaTransformer
{
    public const string SchemaId = nameof(ProblemDetails);

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type != typeof(ProblemDetails))
        {
            return Task.CompletedTask;
        }

        schema.Description = "An RFC 9457 problem; `code` is the stable error code to act on (docs/api.md lists them).";
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["code"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "Stable error code from the error catalogue; clients switch on it, never on the text.",
            Enum = [.. ErrorCatalogue.All.Select(e => (JsonNode)JsonValue.Create(e.Code))],
        };
        schema.Required ??= new HashSet<string>();
        schema.Required.Add("code");
        return Task.CompletedTask;
    }
}
