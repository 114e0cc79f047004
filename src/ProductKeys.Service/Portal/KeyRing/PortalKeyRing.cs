using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ProductKeys.Service.Portal.KeyRing;

/// <summary>
/// Data Protection for the portal's antiforgery tokens (its only user): one key ring per database, stored in it and
/// encrypted under the secrets folder, under one application name whatever a node's data folder (docs/adr/0022-portal.md).
/// </summary>
internal static class PortalKeyRing
{
    /// <summary>Payloads are bound to it: the same on every node, so each accepts what another protected.</summary>
    public const string ApplicationName = "ProductKeys";

    public static IServiceCollection AddPortalKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            o.XmlRepository = new DatabaseXmlRepository(sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<ILogger<DatabaseXmlRepository>>());
            o.XmlEncryptor = new KeyRingEncryption(sp);
        });
        return services;
    }
}
