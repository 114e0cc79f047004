using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ProductKeys.Service.Health;

/// <summary>Tells OpenAPI readers that /api/v1 takes <c>Authorization: Bearer TOKEN</c> (from POST /api/v1/sessions).</summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API token from POST /api/v1/sessions ('pk login').",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
        document.Info.Title = "ProductKeys licensing service";
        return Task.CompletedTask;
    }
}
