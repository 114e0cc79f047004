using System.Runtime.Versioning;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Keys;
using ProductKeys.KmsHost.Activation;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.KmsHost.Tests;

/// <summary>
/// Every file a KMS host makes in its data folder is its owner's only (0600) and every folder it makes 0700, whatever the umask:
/// the counts, the ID, the lock and SQLite's <c>-wal</c>/<c>-shm</c> were 0644, readable by every user of the machine.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class OwnerOnlyFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pk-kms-owner-only-").FullName;

    [Fact]
    public void Every_file_of_an_activated_host_with_its_database_open_is_owner_only()
    {
        using var host = new HostFixture();
        var files = Directory.GetFiles(host.Folder.Path);

        // Before, host-id, kms.db (-wal, -shm), kms.log and kms.lock were 0644, host-certificate.txt and the publisher keys too.
        foreach (var name in new[] { "host-id", "kms.db", "kms.db-wal", "kms.db-shm", "kms.log", "kms.lock", "host-certificate.txt", "publisher-keys.pem" })
        {
            Assert.Contains(Path.Combine(host.Folder.Path, name), files);
        }

        Assert.Equal(files.Select(f => $"{f} 0600"), files.Select(Mode));
        Assert.Equal($"{host.Folder.Path} 0700", Mode(host.Folder.Path));
    }

    [Fact]
    public void Activate_makes_a_new_data_folder_and_its_missing_parents_0700_and_its_ID_0600()
    {
        var parent = Path.Combine(_root, "srv");
        var data = Path.Combine(parent, "kms");
        var key = ProductKey.Derive(KeyType.KmsHost, 3, 1, new byte[32]).ToString();

        var written = new HostActivator(new KmsHostFolder(data), new FakeTimeProvider()).WriteRequest(key, Path.Combine(_root, "host.json"));

        Assert.True(written.IsSuccess, written.Refusal?.ToString());
        var files = Directory.GetFiles(data);
        Assert.Contains(Path.Combine(data, "host-id"), files);
        Assert.Equal(files.Select(f => $"{f} 0600"), files.Select(Mode));
        Assert.Equal([$"{parent} 0700", $"{data} 0700"], [Mode(parent), Mode(data)]);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Mode(string path) => $"{path} {Convert.ToString((int)File.GetUnixFileMode(path), 8).PadLeft(4, '0')}";
}
