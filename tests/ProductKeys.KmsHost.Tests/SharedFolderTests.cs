using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;
using ProductKeys.KmsHost.Activation;
using ProductKeys.KmsHost.Status;

namespace ProductKeys.KmsHost.Tests;

/// <summary>
/// <c>pk kms-host activate|status|report</c> on a data folder other users may write into: refused (STORE_INVALID, its mode,
/// chmod 700) before anything in it is read or made, as <c>pk kms-host serve</c> refuses it.
/// </summary>
public sealed class SharedFolderTests : IDisposable
{
    private readonly string _outside = Directory.CreateTempSubdirectory("pk-kms-shared-").FullName;
    private readonly JsonElement _vector = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "kms-host-offline-v1.json"))).RootElement;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Activate_status_and_report_refuse_a_data_folder_other_users_may_write_into_before_reading_or_making_anything()
    {
        // Before, they read the counts, certificate and key another user could have swapped, and activate made its ID and key there.
        using var host = new HostFixture();
        var data = host.Folder.Path;
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111);
        var before = Snapshot(data);
        var key = JsonSerializer.Deserialize(_vector.GetProperty("requestFile").GetString()!, OfflineFileJsonContext.Default.KmsHostOfflineRequest)!.Key;
        var request = Path.Combine(_outside, "host.json");
        var response = Path.Combine(_outside, "host.response.json");
        File.WriteAllText(response, _vector.GetProperty("responseFile").GetString());
        var activator = new HostActivator(host.Folder, new FakeTimeProvider());

        var refusals = new[]
        {
            KmsStatusReader.ReadExisting(data, host.Clock).Refusal,
            SignedKmsReport.Sign(data, host.Clock).Refusal,
            activator.WriteRequest(key, request).Refusal,
            activator.InstallResponseFile(response, new TrustedKeySet(host.Publisher.PublicKey)).Refusal,
        };

        foreach (var refusal in refusals)
        {
            Assert.Equal(ErrorCatalogue.StoreInvalid, refusal?.Error);
            Assert.Contains($"{data} may be written by other users (mode 0777)", refusal!.Detail, StringComparison.Ordinal);
            Assert.Contains($"chmod 700 {data}", refusal.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(before, Snapshot(data));
        Assert.False(File.Exists(request));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Activate_makes_nothing_in_an_empty_group_writable_folder()
    {
        var data = Directory.CreateDirectory(Path.Combine(_outside, "host")).FullName;
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_000);
        var key = JsonSerializer.Deserialize(_vector.GetProperty("requestFile").GetString()!, OfflineFileJsonContext.Default.KmsHostOfflineRequest)!.Key;

        var refusal = new HostActivator(new Data.KmsHostFolder(data), new FakeTimeProvider()).WriteRequest(key, Path.Combine(_outside, "host.json")).Refusal;

        Assert.Equal(ErrorCatalogue.StoreInvalid, refusal?.Error);
        Assert.Contains($"{data} may be written by other users (mode 0770)", refusal!.Detail, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(data));
    }

    public void Dispose() => Directory.Delete(_outside, recursive: true);

    private static string[] Snapshot(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => $"{f} {File.GetLastWriteTimeUtc(f):O} {new FileInfo(f).Length}")];
}
