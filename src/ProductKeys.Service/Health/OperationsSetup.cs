using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ProductKeys.Service.Health;

/// <summary>/healthz, /metrics and /openapi/v1.json.</summary>
internal static class OperationsSetup
{
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddSingleton<PrometheusExporter>();
        services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>());
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
