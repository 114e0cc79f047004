using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Telemetry;

namespace ProductKeys.Service.Health;

/// <summary>OpenTelemetry (/metrics, OTLP), health checks (/healthz, /healthz/live, /healthz/ready) and /openapi/v1.json.</summary>
internal static class OperationsSetup
{
    public const string ServiceName = "pk-server";

    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        builder.AddTelemetry(new TelemetryPlan(ServiceName, [ServiceMetrics.MeterName], [ServiceMetrics.MeterName]));
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag], timeout: HealthEndpoints.CheckTimeout)
            .AddCheck<SecretsHealthCheck>("secrets", tags: [HealthEndpoints.ReadyTag], timeout: HealthEndpoints.CheckTimeout)
            .AddCheck<SigningKeyHealthCheck>("signing-key", tags: [HealthEndpoints.ReadyTag], timeout: HealthEndpoints.CheckTimeout)
            .AddCheck<ActivationWriterHealthCheck>("writer", tags: [HealthEndpoints.ReadyTag], timeout: HealthEndpoints.CheckTimeout);
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section)
            .Validate(o => o.NetworksAreValid(), "Metrics:AllowedNetworks must list networks in CIDR notation, e.g. 10.0.0.0/8.")
            .ValidateOnStart();
        builder.Services.AddSingleton<MetricsAccess>();
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<ApiDocumentTransformer>();
            o.AddOperationTransformer<ProblemResponsesTransformer>();
            o.AddSchemaTransformer<ProblemSchemaTransformer>();
        });
        return builder;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealth();
        app.MapOpenApi();
        return app;
    }
}
