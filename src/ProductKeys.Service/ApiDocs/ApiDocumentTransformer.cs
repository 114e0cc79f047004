using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ProductKeys.Service.ApiDocs;

/// <summary>
/// The document as a whole: title, the bearer scheme (<c>Authorization: Bearer TOKEN</c> from POST
/// /api/v1/sessions; which operations need it is set per operation), each tag's description, and
/// server URLs without a trailing slash.
/// </summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "ProductKeys licensing service";
        document.Info.Description =
            "Catalog, customers, orders, product keys and activations. Refusals are RFC 9457 problem details " +
            "with a stable `code`; see each operation's 4xx answers for the codes it can give.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API token from POST /api/v1/sessions ('pk login').",
        };
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            tag.Description ??= ApiTags.Describe(tag.Name);
        }

        return Task.CompletedTask;
    }
}
