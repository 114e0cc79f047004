using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Catalog;
using ProductKeys.Service.Demo;
using ProductKeys.Service.Errors;
using ProductKeys.Service.Health;
using ProductKeys.Service.Identity;
using ProductKeys.Service.Keys;
using ProductKeys.Service.Orders;

namespace ProductKeys.Service;

/// <summary>The licensing service as a table of contents: one line per feature.</summary>
internal static class Program
{
    public static void AddFeatures(WebApplicationBuilder builder)
    {
        builder.Services.AddApiErrors();
        builder.Services.AddTokenAuthentication();
        builder.Services.AddOrders();
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddScoped<DemoSeeder>();
        builder.Services.AddSingleton<PrometheusExporter>();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>());
        // Nothing is encrypted with Data Protection (tokens are opaque and stored hashed): keep it in memory.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
    }

    public static void MapFeatures(WebApplication app)
    {
        app.UseApiErrors();
        app.UseRequestMetrics();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        // Listen from the start, so /metrics counts what happened before its first scrape.
        app.Services.GetRequiredService<PrometheusExporter>();
        app.MapHealth();
        app.MapOpenApi();
        var api = app.MapGroup("/api/v1").RequireAuthorization();
        api.MapSessions();
        api.MapCatalog();
        api.MapOrganizations();
        api.MapBillingAccounts();
        api.MapRoles();
        api.MapProfiles();
        api.MapOrders();
        api.MapProductKeys();
        api.MapPublisherKeys();
        api.MapAudit();
        // Device endpoints (POST /api/v1/activations, /api/v1/kms-host-activations) join here as api.MapActivations().
    }
}
