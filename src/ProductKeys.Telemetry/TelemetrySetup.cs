using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ProductKeys.Telemetry;

/// <summary>
/// OpenTelemetry for a host (docs/adr/0023-observability-with-opentelemetry.md): metrics always, read by
/// <c>/metrics</c>; with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, metrics, traces and logs also go there by OTLP.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The standard variable (or configuration key) that turns OTLP export on.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The .NET runtime's own meter (GC, memory, thread pool, exceptions).</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>Adds the meter provider (and, when OTLP is configured, tracing and logging); returns the <c>/metrics</c> page to map.</summary>
    public static MetricsScrape AddTelemetry(this IHostApplicationBuilder builder, TelemetryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(plan);
        ConsoleLogFormat.Apply(builder.Logging, builder.Configuration);
        var scrape = new MetricsScrape();
        builder.Services.AddSingleton(scrape);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(plan.ServiceName, serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([.. plan.Meters, RuntimeMeter]);
                metrics.AddView(LatencyBuckets.View);
                metrics.AddReader(scrape.Reader);
            });
        if (IsOtlpConfigured(builder.Configuration))
        {
            // Spans and log records are made only when someone receives them: each costs the request that makes it.
            telemetry.WithTracing(tracing => tracing.AddSource([.. plan.ActivitySources]).AddAspNetCoreInstrumentation())
                .WithLogging(configureBuilder: null, configureOptions: options => options.IncludeFormattedMessage = true)
                .UseOtlpExporter();
        }

        return scrape;
    }

    /// <summary>Whether <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names a collector (environment or configuration).</summary>
    public static bool IsOtlpConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);
    }
}
