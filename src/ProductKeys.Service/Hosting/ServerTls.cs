using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using ProductKeys.Core.Tls;

namespace ProductKeys.Service.Hosting;

/// <summary>
/// HTTPS for the licensing service: an <c>https://</c> address in --urls answers with the --cert/--key
/// certificate, or with ASP.NET Core's <c>Kestrel:Certificates:Default</c> from configuration
/// (<c>PK_Kestrel__Certificates__Default__Path</c>/<c>…__KeyPath</c>). Never a developer certificate
/// found on the machine: an https:// address without either is refused (docs/operations.md "TLS").
/// </summary>
internal static class ServerTls
{
    public const string ConfiguredCertificate = "Kestrel:Certificates:Default";

    public static void Configure(WebApplicationBuilder builder, ServerCertificate? certificate, IEnumerable<string> urls)
    {
        var configured = builder.Configuration.GetSection(ConfiguredCertificate).Exists();
        if (ServerCertificate.CheckListening(urls, certificate is not null, configured) is { } refusal)
        {
            throw new StartRefusedException(refusal.Error, refusal.Detail);
        }

        // The slim builder leaves configuration-driven HTTPS out; https:// in --urls needs it.
        builder.WebHost.UseKestrelHttpsConfiguration();
        if (certificate is not null)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = certificate.Leaf;
                https.ServerCertificateChain = certificate.Chain;
            }));
        }
    }
}
