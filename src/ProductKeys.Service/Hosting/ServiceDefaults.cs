using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ProductKeys.AdminApi;

namespace ProductKeys.Service.Hosting;

internal static class ServiceDefaults
{
    /// <summary>JSON as the API speaks it: enum names, numbers only as numbers, strings only as text a database keeps, each member once.</summary>
    public static IServiceCollection AddServiceDefaults(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.Converters.Add(new StorableStringConverter());
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // A member given twice is refused, not last-wins: what a proxy, a log or a reviewer reads
            // from a body is what the service acts on (docs/api.md "Errors").
            o.SerializerOptions.AllowDuplicateProperties = false;
            // The admin records' generated metadata first (the same JSON pk reads); reflection for the rest.
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, AdminApiJsonContext.Default);
        });
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section)
            .Validate(o => o.Known.All(a => IPAddress.TryParse(a, out _)), "Proxies:Known must list IP addresses.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxies) =>
        {
            // The scheme too: a balancer that ends TLS (docs/deploy/haproxy.cfg) passes plain HTTP, and the
            // portal marks its cookies Secure only for requests that arrived over HTTPS.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var address in proxies.Value.Known)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(address));
            }
        });
        return services;
    }
}
