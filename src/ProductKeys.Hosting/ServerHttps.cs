using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Tls;

namespace ProductKeys.Hosting;

/// <summary>
/// HTTPS, the same on every server of pk (docs/operations.md "TLS", ADR 0024): an <c>https://</c> address
/// answers with the --cert/--key certificate, or else with ASP.NET Core's <c>Kestrel:Certificates:Default</c>
/// from configuration. Never a developer certificate found on the machine: an https:// address that has
/// neither is refused.
/// </summary>
public static class ServerHttps
{
    /// <summary>ASP.NET Core's configuration section of a server's default certificate.</summary>
    public const string ConfiguredCertificate = "Kestrel:Certificates:Default";

    /// <summary>
    /// Chooses what https:// addresses answer with and lets them answer. A PEM pair in configuration
    /// (<c>Path</c> and <c>KeyPath</c>, no <c>Password</c>) is read and checked as --cert/--key are, so that a
    /// certificate clients would refuse stops the server at start and its pin is printed. Other configured
    /// forms (a PKCS#12 file, an encrypted key, a certificate store) are left to Kestrel, but the file holding their private key
    /// is refused, as a --key file is, when others may read or change it; so is that of a certificate named per endpoint
    /// (<c>Kestrel:Endpoints:NAME:Certificate</c>).
    /// </summary>
    /// <returns>The certificate chosen, for the start-up line; <c>null</c> when there is none pk read itself;
    /// or the refusal (<c>TLS_CERTIFICATE_INVALID</c>, <c>VALIDATION_FAILED</c>).</returns>
    public static Outcome<ServerCertificate?> UseHttps(this WebApplicationBuilder builder, IEnumerable<string> urls, ServerCertificate? given, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(time);
        var configured = builder.Configuration.GetSection(ConfiguredCertificate);
        if (ServerCertificate.CheckListening(urls, given is not null, configured.Exists()) is { } refusal)
        {
            return refusal;
        }

        var chosen = given;
        if (chosen is null && configured["Path"] is { Length: > 0 } path && configured["KeyPath"] is { Length: > 0 } keyPath
            && string.IsNullOrEmpty(configured["Password"]))
        {
            // Relative paths as Kestrel reads them: from the content root.
            var root = builder.Environment.ContentRootPath;
            var loaded = ServerCertificate.Load(Path.GetFullPath(path, root), Path.GetFullPath(keyPath, root), time);
            if (!loaded.IsSuccess)
            {
                return loaded.Refusal;
            }

            chosen = loaded.Value;
        }
        else if (chosen is null && configured["Path"] is { Length: > 0 } keyHolder)
        {
            // Read by Kestrel, not pk, but its private key as open to others as a --key file would be: a PKCS#12 file (Path)
            // holds it, or an encrypted PEM key (KeyPath with a Password) whose password sits in the same configuration.
            var keyFile = configured["KeyPath"] is { Length: > 0 } encryptedKey ? encryptedKey : keyHolder;
            if (ServerCertificate.RefuseKeyOpenToOthers(Path.GetFullPath(keyFile, builder.Environment.ContentRootPath)) is { } open)
            {
                return open;
            }
        }

        // A certificate named per endpoint (Kestrel:Endpoints:NAME:Certificate) is Kestrel's too: its key file is held to the same rule.
        foreach (var endpoint in builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            var certificate = endpoint.GetSection("Certificate");
            if ((certificate["KeyPath"] is { Length: > 0 } endpointKey ? endpointKey : certificate["Path"]) is { Length: > 0 } endpointKeyHolder
                && ServerCertificate.RefuseKeyOpenToOthers(Path.GetFullPath(endpointKeyHolder, builder.Environment.ContentRootPath)) is { } endpointOpen)
            {
                return endpointOpen;
            }
        }

        // The slim builder leaves configuration-driven HTTPS out; https:// in --urls needs it.
        builder.WebHost.UseKestrelHttpsConfiguration();
        if (chosen is not null)
        {
            var leaf = chosen.Leaf;
            var chain = chosen.Chain;
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = leaf;
                https.ServerCertificateChain = chain;
            }));
        }

        builder.Services.AddSingleton(new ChosenCertificate(chosen));
        return chosen;
    }

    /// <summary>The certificate <see cref="UseHttps"/> chose for <paramref name="services"/>' server, if pk read one.</summary>
    public static ServerCertificate? Chosen(IServiceProvider services) =>
        services.GetService<ChosenCertificate>()?.Certificate;

    private sealed record ChosenCertificate(ServerCertificate? Certificate);
}
