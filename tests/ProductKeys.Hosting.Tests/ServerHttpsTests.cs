using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Core.Tls;

namespace ProductKeys.Hosting.Tests;

/// <summary>
/// A certificate named in configuration (<c>Kestrel:Certificates:Default</c>) as a PEM pair is read and checked
/// as --cert/--key are: the server answers HTTPS with it, its pin is known for the start-up line, and one
/// clients would refuse stops the start.
/// </summary>
public sealed class ServerHttpsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-https-").FullName;
    private readonly FakeTimeProvider _time = new(TimeProvider.System.GetUtcNow());

    [Fact]
    public async Task A_configured_PEM_pair_answers_HTTPS_and_its_pin_is_the_one_presented()
    {
        var (certificate, key) = WritePem("server", ecdsa: true, _time.GetUtcNow().AddDays(30));
        var builder = Builder(("Path", certificate), ("KeyPath", key));

        var chosen = builder.UseHttps(["https://127.0.0.1:0"], null, _time);

        Assert.True(chosen.IsSuccess, chosen.Refusal?.ToString());
        Assert.NotNull(chosen.Value);
        await using var app = builder.Build();
        app.MapGet("/", () => "ok");
        await app.StartAsync(TestContext.Current.CancellationToken);
        Assert.Same(chosen.Value, ServerHttps.Chosen(app.Services));

        string? presented = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, leaf, _, _) =>
            {
                presented = leaf is null ? null : TlsPin.Of(leaf);
                return true;
            },
        };
        using var client = new HttpClient(handler);
        Assert.Equal("ok", await client.GetStringAsync(new Uri(app.Urls.Single()), TestContext.Current.CancellationToken));
        Assert.Equal(chosen.Value.Pin, presented);
    }

    [Fact]
    public async Task HEAD_over_HTTP2_answers_the_status_without_a_body_where_the_endpoint_writes_JSON()
    {
        var (certificate, key) = WritePem("h2", ecdsa: true, _time.GetUtcNow().AddDays(30));
        var builder = Builder(("Path", certificate), ("KeyPath", key));
        Assert.True(builder.UseHttps(["https://127.0.0.1:0"], null, _time).IsSuccess);
        await using var app = builder.Build();
        app.UseHeadWithoutBody();
        app.MapMethods("/json", [HttpMethods.Get, HttpMethods.Head], () => Results.Json(new Dictionary<string, int> { ["a"] = 1 }));
        await app.StartAsync(TestContext.Current.CancellationToken);

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var client = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(new Uri(app.Urls.Single()), "/json"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var head = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpVersion.Version20, head.Version);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Configured_paths_are_read_from_the_content_root_as_Kestrel_reads_them()
    {
        WritePem("relative", ecdsa: true, _time.GetUtcNow().AddDays(30));
        var builder = Builder(("Path", "relative.crt"), ("KeyPath", "relative.key"));

        var chosen = builder.UseHttps(["https://127.0.0.1:0"], null, _time);

        Assert.True(chosen.IsSuccess, chosen.Refusal?.ToString());
        Assert.NotNull(chosen.Value);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("rsa-1024")]
    [InlineData("missing")]
    public void A_configured_PEM_pair_clients_would_refuse_is_TLS_CERTIFICATE_INVALID(string flaw)
    {
        var (certificate, key) = flaw switch
        {
            "expired" => WritePem(flaw, ecdsa: true, _time.GetUtcNow().AddDays(-1)),
            "rsa-1024" => WritePem(flaw, ecdsa: false, _time.GetUtcNow().AddDays(30)),
            _ => (Path.Combine(_folder, "none.crt"), Path.Combine(_folder, "none.key")),
        };

        var chosen = Builder(("Path", certificate), ("KeyPath", key)).UseHttps(["https://127.0.0.1:0"], null, _time);

        Assert.False(chosen.IsSuccess);
        Assert.Equal(ErrorCatalogue.TlsCertificateInvalid, chosen.Refusal.Error);
    }

    [Fact]
    public void A_configured_form_pk_does_not_read_is_left_to_Kestrel_and_an_https_address_without_any_certificate_is_refused()
    {
        var (certificate, _) = WritePem("pfx-like", ecdsa: true, _time.GetUtcNow().AddDays(30));
        OwnerOnly(certificate); // as Path alone it stands for a PKCS#12 file, which holds the private key
        var withPassword = Builder(("Path", certificate), ("Password", "secret")).UseHttps(["https://127.0.0.1:0"], null, _time);
        Assert.True(withPassword.IsSuccess, withPassword.Refusal?.ToString());
        Assert.Null(withPassword.Value);

        var none = Builder().UseHttps(["https://127.0.0.1:0"], null, _time);
        Assert.False(none.IsSuccess);
        Assert.Equal(ErrorCatalogue.TlsCertificateInvalid, none.Refusal.Error);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_configured_PKCS12_file_or_encrypted_key_others_may_read_is_TLS_CERTIFICATE_INVALID_as_a_key_file_is()
    {
        // Before, Kestrel loaded them whatever their mode: a .pfx left 0644, an encrypted key 0640 with its password beside it.
        var pfx = Path.Combine(_folder, "server.pfx");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        using (var certificate = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256).CreateSelfSigned(_time.GetUtcNow().AddDays(-1), _time.GetUtcNow().AddDays(30)))
        {
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, "secret"));
        }

        File.SetUnixFileMode(pfx, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var readable = Builder(("Path", "server.pfx"), ("Password", "secret")).UseHttps(["https://127.0.0.1:0"], null, _time);
        Assert.Equal(ErrorCatalogue.TlsCertificateInvalid, readable.Refusal?.Error);
        Assert.Contains($"{pfx} is a private key other users may read or change (mode 0644; {KeyFileAccess.Rule}): run 'chmod 600 {pfx}'", readable.Refusal?.Detail, StringComparison.Ordinal);

        var (pem, encrypted) = WritePem("encrypted", ecdsa: true, _time.GetUtcNow().AddDays(30));
        File.SetUnixFileMode(encrypted, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var groupReadable = Builder(("Path", pem), ("KeyPath", encrypted), ("Password", "secret")).UseHttps(["https://127.0.0.1:0"], null, _time);
        Assert.Contains($"{encrypted} is a private key other users may read or change (mode 0640;", groupReadable.Refusal?.Detail, StringComparison.Ordinal);

        // Owner-only, both are left to Kestrel as before.
        OwnerOnly(pfx);
        Assert.True(Builder(("Path", pfx), ("Password", "secret")).UseHttps(["https://127.0.0.1:0"], null, _time).IsSuccess);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_PKCS12_file_or_key_named_per_endpoint_others_may_read_is_TLS_CERTIFICATE_INVALID_as_the_default_one_is()
    {
        // Before, Kestrel:Endpoints:NAME:Certificate skipped the check Kestrel:Certificates:Default gets: a .pfx left 0644 served.
        var pfx = Path.Combine(_folder, "endpoint.pfx");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        using (var certificate = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256).CreateSelfSigned(_time.GetUtcNow().AddDays(-1), _time.GetUtcNow().AddDays(30)))
        {
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, "secret"));
        }

        File.SetUnixFileMode(pfx, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var readable = EndpointBuilder(("Path", "endpoint.pfx"), ("Password", "secret")).UseHttps(["http://127.0.0.1:0"], null, _time);
        Assert.Equal(ErrorCatalogue.TlsCertificateInvalid, readable.Refusal?.Error);
        Assert.Contains($"{pfx} is a private key other users may read or change (mode 0644;", readable.Refusal?.Detail, StringComparison.Ordinal);

        var (pem, encrypted) = WritePem("endpoint", ecdsa: true, _time.GetUtcNow().AddDays(30));
        File.SetUnixFileMode(encrypted, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var groupReadable = EndpointBuilder(("Path", pem), ("KeyPath", encrypted), ("Password", "secret")).UseHttps(["http://127.0.0.1:0"], null, _time);
        Assert.Contains($"{encrypted} is a private key other users may read or change (mode 0640;", groupReadable.Refusal?.Detail, StringComparison.Ordinal);

        OwnerOnly(pfx);
        Assert.True(EndpointBuilder(("Path", pfx), ("Password", "secret")).UseHttps(["http://127.0.0.1:0"], null, _time).IsSuccess);
    }

    [Fact]
    public void A_given_certificate_wins_over_the_configured_one()
    {
        var (configured, configuredKey) = WritePem("configured", ecdsa: true, _time.GetUtcNow().AddDays(30));
        var (given, givenKey) = WritePem("given", ecdsa: true, _time.GetUtcNow().AddDays(30));
        var certificate = ServerCertificate.Load(given, givenKey, _time).Value;

        var chosen = Builder(("Path", configured), ("KeyPath", configuredKey)).UseHttps(["https://127.0.0.1:0"], certificate, _time);

        Assert.Same(certificate, chosen.Value);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private WebApplicationBuilder Builder(params (string Name, string Value)[] certificate)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = _folder });
        builder.Configuration.AddInMemoryCollection(certificate.Select(c =>
            new KeyValuePair<string, string?>($"{ServerHttps.ConfiguredCertificate}:{c.Name}", c.Value)));
        builder.WebHost.UseUrls("https://127.0.0.1:0");
        return builder;
    }

    /// <summary>A builder with an https endpoint E1 in Kestrel:Endpoints whose certificate is <paramref name="certificate"/>.</summary>
    private WebApplicationBuilder EndpointBuilder(params (string Name, string Value)[] certificate)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = _folder });
        builder.Configuration.AddInMemoryCollection(certificate.Select(c =>
            new KeyValuePair<string, string?>($"Kestrel:Endpoints:E1:Certificate:{c.Name}", c.Value))
            .Append(new KeyValuePair<string, string?>("Kestrel:Endpoints:E1:Url", "https://127.0.0.1:0")));
        return builder;
    }

    private (string Certificate, string Key) WritePem(string name, bool ecdsa, DateTimeOffset notAfter)
    {
        using AsymmetricAlgorithm key = ecdsa ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(1024);
        var request = key is ECDsa ec
            ? new CertificateRequest("CN=127.0.0.1", ec, HashAlgorithmName.SHA256)
            : new CertificateRequest("CN=127.0.0.1", (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(notAfter.AddDays(-60), notAfter);
        var certificatePath = Path.Combine(_folder, name + ".crt");
        var keyPath = Path.Combine(_folder, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        OwnerOnly(keyPath);
        return (certificatePath, keyPath);
    }

    /// <summary>A private key as an operator keeps it: readable by its owner only (servers refuse one open to others).</summary>
    private static void OwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
