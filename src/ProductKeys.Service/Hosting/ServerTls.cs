using Microsoft.AspNetCore.Builder;
using ProductKeys.Core.Tls;
using ProductKeys.Hosting;

namespace ProductKeys.Service.Hosting;

/// <summary>
/// HTTPS for the licensing service: an <c>https://</c> address in --urls answers with the --cert/--key
/// certificate, or with ASP.NET Core's <c>Kestrel:Certificates:Default</c> from configuration
/// (<c>PK_Kestrel__Certificates__Default__Path</c>/<c>…__KeyPath</c>). Never a developer certificate
/// found on the machine: an https:// address without either is refused (docs/operations.md "TLS").
/// </summary>
internal static class ServerTls
{
    public static void Configure(WebApplicationBuilder builder, ServerCertificate? certificate, IEnumerable<string> urls)
    {
        if (builder.UseHttps(urls, certificate, TimeProvider.System) is { IsSuccess: false } refused)
        {
            throw new StartRefusedException(refused.Refusal.Error, refused.Refusal.Detail);
        }
    }
}
