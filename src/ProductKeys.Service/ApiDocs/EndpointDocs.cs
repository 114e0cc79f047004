using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ProductKeys.Core.Errors;

namespace ProductKeys.Service.ApiDocs;

/// <summary>
/// What every endpoint declares where it is mapped, so /openapi/v1.json documents it: an operation id
/// and summary, the catalogue codes it may refuse with (each a problem-details answer), and examples.
/// 401 for endpoints that need a token and 400/413/415 for endpoints that take a body are added by
/// <see cref="ProblemResponsesTransformer"/>; the OpenAPI lint test fails an endpoint that says nothing.
/// </summary>
internal static class EndpointDocs
{
    /// <summary>The operation id (unique, PascalCase verb first: <c>ListOrders</c>) and a one-line summary.</summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder builder, string operationId, string summary, string? description = null)
    {
        builder.WithName(operationId).WithSummary(summary);
        return description is null ? builder : builder.WithDescription(description);
    }

    /// <summary>The refusals the handler can answer, by catalogue code; each status becomes a problem response.</summary>
    public static RouteHandlerBuilder Refuses(this RouteHandlerBuilder builder, params ErrorCode[] codes)
    {
        builder.WithMetadata(new RefusalMetadata(codes));
        foreach (var status in codes.Select(c => c.HttpStatus).Distinct())
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }

    /// <summary>A request body and/or an answer as integrators would see them, serialized like the API does.</summary>
    public static RouteHandlerBuilder Example(this RouteHandlerBuilder builder, object? request = null, object? response = null) =>
        builder.WithMetadata(new ExampleMetadata(request, response));
}
