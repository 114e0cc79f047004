using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ProductKeys.Service.Tests.Operations;

/// <summary>
/// A stand-in OpenTelemetry collector on 127.0.0.1: takes OTLP/HTTP (protobuf) posts to /v1/traces,
/// /v1/metrics and /v1/logs and keeps their bodies. Protobuf writes strings as raw UTF-8, so a span's
/// name or a metric's name can be found in the bytes.
/// </summary>
internal sealed class OtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpCollector(WebApplication app) => _app = app;

    public ConcurrentQueue<(string Signal, byte[] Body)> Received { get; } = new();

    public string Endpoint => _app.Urls.First();

    public static async Task<OtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var collector = new OtlpCollector(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            collector.Received.Enqueue((signal, body.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
            // An empty Export*ServiceResponse: everything accepted.
        });
        await app.StartAsync();
        return collector;
    }

    public bool Holds(string signal, string text) =>
        Received.Any(r => r.Signal == signal && r.Body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
