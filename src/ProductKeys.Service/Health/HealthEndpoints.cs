using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ProductKeys.Data;

namespace ProductKeys.Service.Health;

internal static class HealthEndpoints
{
    public sealed record HealthResponse(string Status, string Database);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (LicensingDbContext db, CancellationToken ct) =>
            await db.Database.CanConnectAsync(ct)
                ? Results.Ok(new HealthResponse("ok", "ok"))
                : Results.Json(new HealthResponse("unhealthy", "unreachable"), statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithTags("Operations");
        app.MapGet("/metrics", (PrometheusExporter exporter) => Results.Text(exporter.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags("Operations");
        return app;
    }

    /// <summary>Counts every answer by status code (after the exception handler has chosen it).</summary>
    public static WebApplication UseRequestMetrics(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                ServiceMetrics.Requests.Add(1, new KeyValuePair<string, object?>("status", context.Response.StatusCode));
                ServiceMetrics.RequestDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        });
        return app;
    }
}
