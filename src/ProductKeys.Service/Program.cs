using Microsoft.AspNetCore.Builder;
using ProductKeys.Hosting;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Activations;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Catalog;
using ProductKeys.Service.Demo;
using ProductKeys.Service.Errors;
using ProductKeys.Service.Health;
using ProductKeys.Service.Hosting;
using ProductKeys.Service.Identity;
using ProductKeys.Service.Keys;
using ProductKeys.Service.Orders;
using ProductKeys.Service.Portal;
using ProductKeys.Service.Usage;

namespace ProductKeys.Service;

/// <summary>The licensing service as a table of contents: one line per feature.</summary>
internal static class Program
{
    public static void AddFeatures(WebApplicationBuilder builder)
    {
        builder.Services.AddServiceDefaults();
        builder.Services.AddApiErrors();
        builder.Services.AddTokenAuthentication();
        builder.AddOperations();
        builder.Services.AddAudit();
        builder.Services.AddOrders();
        builder.Services.AddActivations();
        builder.Services.AddDemo();
        builder.Services.AddPortal();
    }

    public static void MapFeatures(WebApplication app)
    {
        app.UseForwardedHeaders(); // client addresses through trusted proxies only (Hosting/ProxyOptions)
        app.UsePortalRules(); // CSP and friends on every portal answer, its refusals too; GET, HEAD and POST only
        app.UseApiErrors();
        app.UseSharedRequestRules(); // charset=foo: 415 with its code, not a 500; HEAD without a body
        app.UseRequestMetrics();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapOperations();
        var api = app.MapGroup("/api/v1").RequireAuthorization();
        api.MapSessions();
        api.MapCatalog();
        api.MapOrganizations();
        api.MapUsers();
        api.MapBillingAccounts();
        api.MapRoles();
        api.MapProfiles();
        api.MapOrders();
        api.MapProductKeys();
        api.MapPublisherKeys();
        api.MapKeyLookup();
        api.MapAudit();
        api.MapActivations();
        api.MapUsageReports();
        app.MapPortal();
    }
}
