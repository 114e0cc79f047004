using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.Hosting;

namespace ProductKeys.Service.Tests.Operations;

/// <summary>
/// A start refused for its addresses or certificate (TLS_CERTIFICATE_INVALID) does not start half-way: no database is made
/// or migrated and no publisher secrets are generated before the refusal.
/// </summary>
public sealed class TlsRefusedStartTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-tls-refused-").FullName;

    [Theory]
    [InlineData("https://127.0.0.1:0", null)]
    [InlineData("https://127.0.0.1:0", "/nonexistent/pk-tls/cert.pem")]
    public async Task A_start_refused_for_its_certificate_migrates_no_database_and_generates_no_secrets(string urls, string? configuredCertificate)
    {
        var data = Path.Combine(_folder, "data");
        var configuration = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" };
        if (configuredCertificate is not null)
        {
            configuration["Kestrel:Certificates:Default:Path"] = configuredCertificate;
            configuration["Kestrel:Certificates:Default:KeyPath"] = configuredCertificate + ".key";
        }

        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => LicensingServiceHost.BuildAsync(new ServerOptions
        {
            DataDirectory = data,
            Urls = urls,
            Migrate = true,
            Configuration = configuration,
        }, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCatalogue.TlsCertificateInvalid, refused.Code);
        Assert.False(File.Exists(Path.Combine(data, DatabaseSettings.SqliteFileName)), "the database was made before the refusal");
        Assert.False(Directory.Exists(Path.Combine(data, "secrets")), "secrets were generated before the refusal");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
