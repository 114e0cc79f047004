using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace ProductKeys.Hosting;

/// <summary>
/// HTTPS, the same on every server of pk (docs/operations.md "TLS", ADR 0024): an <c>https://</c> address
/// answers with the --cert/--key certificate, or else with ASP.NET Core's <c>Kestrel:Certificates:Default</c>
/// from configuration. Never a developer certificate found on the machine: each server refuses an https://
/// address that has neither, before it gets here.
/// </summary>
public static class ServerHttps
{
    /// <summary>ASP.NET Core's configuration section of a server's default certificate.</summary>
    public const string ConfiguredCertificate = "Kestrel:Certificates:Default";

    /// <summary>True when configuration names a default certificate (<see cref="ConfiguredCertificate"/>).</summary>
    public static bool HasConfiguredCertificate(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configuration.GetSection(ConfiguredCertificate).Exists();
    }

    /// <summary>Lets https:// addresses answer: with <paramref name="leaf"/> and its chain when given, else as configured.</summary>
    public static void UseServerCertificate(this WebApplicationBuilder builder, X509Certificate2? leaf, X509Certificate2Collection? chain)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // The slim builder leaves configuration-driven HTTPS out; https:// in --urls needs it.
        builder.WebHost.UseKestrelHttpsConfiguration();
        if (leaf is not null)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = leaf;
                https.ServerCertificateChain = chain;
            }));
        }
    }
}
