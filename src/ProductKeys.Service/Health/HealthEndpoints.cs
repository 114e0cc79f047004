using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Service.Errors;
using ProductKeys.Telemetry;

namespace ProductKeys.Service.Health;

internal static class HealthEndpoints
{
    /// <summary>The tag of the checks /healthz/ready runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>A check that has not answered by then counts as failed: a probe must not hang on a stuck database.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public sealed record HealthResponse(string Status, string Database);

    public sealed record CheckResponse(string Status, string? Description);

    public sealed record HealthReportResponse(string Status, IReadOnlyDictionary<string, CheckResponse> Checks);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        Func<LicensingDbContext, CancellationToken, Task<IResult>> database = async (db, ct) =>
            await db.Database.CanConnectAsync(ct)
                ? Results.Ok(new HealthResponse("ok", "ok"))
                : Results.Json(new HealthResponse("unhealthy", "unreachable"), statusCode: StatusCodes.Status503ServiceUnavailable);
        Func<HealthCheckService, CancellationToken, Task<IResult>> live = (health, ct) => ReportAsync(health, _ => false, ct);
        Func<HealthCheckService, CancellationToken, Task<IResult>> ready = (health, ct) => ReportAsync(health, c => c.Tags.Contains(ReadyTag), ct);

        app.MapGet("/healthz", database)
            .WithTags(ApiTags.Operations)
            .Describe("GetHealth", "Liveness and database reachability: 200 ok, or 503 when the database is unreachable.")
            .Produces<HealthResponse>(StatusCodes.Status200OK).Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/healthz/live", live)
            .WithTags(ApiTags.Operations)
            .Describe("GetLiveness", "Liveness: 200 while the process answers requests; restart the node when it does not.")
            .Produces<HealthReportResponse>(StatusCodes.Status200OK);
        app.MapGet("/healthz/ready", ready)
            .WithTags(ApiTags.Operations)
            .Describe("GetReadiness", "Readiness: 200 when the database answers, the secrets match it, the signing key signs and the activation writer runs; else 503 naming the failed check. Send traffic only to ready nodes.")
            .Produces<HealthReportResponse>(StatusCodes.Status200OK).Produces<HealthReportResponse>(StatusCodes.Status503ServiceUnavailable);

        // HEAD answers as GET does, without the body: load balancers and uptime checks probe with it
        // (HAProxy's default check is a HEAD). Left out of the OpenAPI document, whose operations are the GETs.
        app.MapMethods("/healthz", [HttpMethods.Head], database).ExcludeFromDescription();
        app.MapMethods("/healthz/live", [HttpMethods.Head], live).ExcludeFromDescription();
        app.MapMethods("/healthz/ready", [HttpMethods.Head], ready).ExcludeFromDescription();

        app.MapGet("/metrics", (MetricsScrape metrics, MetricsAccess access, HttpContext http) => access.Allows(http.Connection.RemoteIpAddress)
                ? Results.Text(metrics.Render(), MetricsScrape.ContentType)
                : ApiProblems.From(new Refusal(ErrorCatalogue.Forbidden,
                    "/metrics answers the monitoring network only (Metrics:AllowedNetworks; by default loopback and private addresses): scrape the node directly from there.")))
            .WithTags(ApiTags.Operations)
            .Describe("GetMetrics", "Prometheus metrics in the text exposition format (OpenTelemetry's aggregation); only to clients in Metrics:AllowedNetworks.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .Refuses(ErrorCatalogue.Forbidden);
        return app;
    }

    private static async Task<IResult> ReportAsync(HealthCheckService health, Func<HealthCheckRegistration, bool> checks, CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(checks, ct);
        var body = new HealthReportResponse(Name(report.Status), report.Entries.ToDictionary(
            e => e.Key, e => new CheckResponse(Name(e.Value.Status), Describe(e.Value)), StringComparer.Ordinal));
        return Results.Json(body, statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    private static string Name(HealthStatus status) => status.ToString().ToLowerInvariant();

    // Anyone may ask: a check that threw says so without the exception's text (which may name hosts
    // or users); the health check service logs the exception itself.
    private static string? Describe(HealthReportEntry entry) =>
        entry.Exception is null ? entry.Description : "The check failed (the node's log says why).";

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
