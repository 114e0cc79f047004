using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ProductKeys.Service.ApiDocs;

namespace ProductKeys.Service.Health;

/// <summary>/healthz, /metrics and /openapi/v1.json.</summary>
internal static class OperationsSetup
{
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddSingleton<PrometheusExporter>();
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<ApiDocumentTransformer>();
            o.AddOperationTransformer<ProblemResponsesTransformer>();
            o.AddSchemaTransformer<ProblemSchemaTransformer>();
        });
        return services;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        // Listen from the start, so /metrics counts what happened before its first scrape.
        app.Services.GetRequiredService<PrometheusExporter>();
        app.MapHealth();
        app.MapOpenApi();
        return app;
    }
}
