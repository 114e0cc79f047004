using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ProductKeys.Data;
using ProductKeys.Service.ApiDocs;

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
            .WithTags(ApiTags.Operations)
            .Describe("GetHealth", "Liveness and database reachability: 200 ok, or 503 when the database is unreachable.")
            .Produces<HealthResponse>(StatusCodes.Status200OK).Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/metrics", (PrometheusExporter exporter) => Results.Text(exporter.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags(ApiTags.Operations)
            .Describe("GetMetrics", "Prometheus metrics in the text exposition format.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
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
