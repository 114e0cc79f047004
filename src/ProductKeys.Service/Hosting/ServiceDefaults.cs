using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace ProductKeys.Service.Hosting;

internal static class ServiceDefaults
{
    /// <summary>JSON as the API speaks it: enum names, numbers only as numbers.</summary>
    public static IServiceCollection AddServiceDefaults(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        // Nothing is encrypted with Data Protection (tokens are opaque and stored hashed): keep it in memory.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        return services;
    }
}
