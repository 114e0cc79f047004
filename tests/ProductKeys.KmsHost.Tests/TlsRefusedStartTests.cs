using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Errors;

namespace ProductKeys.KmsHost.Tests;

/// <summary>
/// A start refused for its addresses or certificate (TLS_CERTIFICATE_INVALID) leaves the data folder as it was: no signing
/// key, host ID or database is made before the refusal (as pk server; found by a hostile review of TLS settings).
/// </summary>
public sealed class TlsRefusedStartTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pk-kms-tls-refused-").FullName;

    [Fact]
    public void An_https_address_without_a_certificate_leaves_a_new_folder_empty()
    {
        var data = Path.Combine(_root, "new");

        var built = KmsHostApp.Build(new KmsHostOptions { DataDirectory = data }, ["https://127.0.0.1:0"], new FakeTimeProvider(HostFixture.Start));

        Assert.Equal(ErrorCatalogue.TlsCertificateInvalid, built.Refusal?.Error);
        Assert.Empty(Directory.Exists(data) ? Directory.GetFileSystemEntries(data) : []);
    }

    [Fact]
    public void A_certificate_the_folders_appsettings_names_and_the_host_cannot_use_leaves_only_that_file()
    {
        var data = Path.Combine(_root, "configured");
        Directory.CreateDirectory(data);
        var settings = Path.Combine(data, "appsettings.json");
        File.WriteAllText(settings, """{ "Kestrel": { "Certificates": { "Default": { "Path": "missing.crt", "KeyPath": "missing.key" } } } }""");

        var built = KmsHostApp.Build(new KmsHostOptions { DataDirectory = data }, ["https://127.0.0.1:0"], new FakeTimeProvider(HostFixture.Start));

        Assert.Equal(ErrorCatalogue.TlsCertificateInvalid, built.Refusal?.Error);
        Assert.Equal([settings], Directory.GetFileSystemEntries(data));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_data_folder_other_users_may_write_into_is_refused_before_anything_is_made_in_it()
    {
        // Before, the server made its key, ID and database in a folder someone else made 0777, where they could swap them.
        var data = Directory.CreateDirectory(Path.Combine(_root, "shared")).FullName;
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111);

        var built = KmsHostApp.Build(new KmsHostOptions { DataDirectory = data }, ["http://127.0.0.1:0"], new FakeTimeProvider(HostFixture.Start));

        Assert.Equal(ErrorCatalogue.StoreInvalid, built.Refusal?.Error);
        Assert.Contains($"{data} may be written by other users (mode 0777)", built.Refusal?.Detail, StringComparison.Ordinal);
        Assert.Contains($"chmod 700 {data}", built.Refusal?.Detail, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(data));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
