using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.CalServer.Data;
using ProductKeys.CalServer.Packs;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Errors;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// <c>pk cal-server install-pack|report|revoke-device</c> on a data folder other users may write into: refused (STORE_INVALID,
/// its mode, chmod 700) before anything in it is read or made, as <c>pk cal-server serve</c> refuses it.
/// </summary>
public sealed class SharedFolderTests : IDisposable
{
    private readonly string _outside = Directory.CreateTempSubdirectory("pk-cal-shared-").FullName;
    private readonly JsonElement _vector = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "cal-pack-offline-v1.json"))).RootElement;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Install_pack_report_and_revoke_device_refuse_a_data_folder_other_users_may_write_into_before_reading_or_making_anything()
    {
        // Before, report and revoke-device read (and changed) a database another user could have swapped, and install-pack made its ID and key there.
        using var world = new CalWorld();
        var pack = world.SignPack(CalMode.PerDevice, purchased: 5);
        await world.InstallAsync(CalMode.PerUser, purchased: 5);
        var data = world.Folder.Path;
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111);
        var before = Snapshot(data);
        var key = JsonSerializer.Deserialize(_vector.GetProperty("requestFile").GetString()!, OfflineFileJsonContext.Default.CalPackOfflineRequest)!.Key;
        var request = Path.Combine(_outside, "pack.json");
        var response = Path.Combine(_outside, "pack.response.json");
        File.WriteAllText(response, pack.Text);
        var installer = new PackInstaller(new CalServerFolder(data), world.Time);

        var refusals = new[]
        {
            CalServerFolder.Existing(data).Refusal,
            installer.WriteRequest(key, installPurchased: false, request).Refusal,
            (await installer.InstallResponseFileAsync(response, world.Trust, TestContext.Current.CancellationToken)).Refusal,
            (await installer.InstallAsync(pack.Text, world.Pinned, TestContext.Current.CancellationToken)).Refusal,
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
    public void Install_pack_makes_nothing_in_an_empty_group_writable_folder()
    {
        var data = Directory.CreateDirectory(Path.Combine(_outside, "server")).FullName;
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_000);
        var key = JsonSerializer.Deserialize(_vector.GetProperty("requestFile").GetString()!, OfflineFileJsonContext.Default.CalPackOfflineRequest)!.Key;

        var refusal = new PackInstaller(new CalServerFolder(data), new FakeTimeProvider()).WriteRequest(key, installPurchased: false, Path.Combine(_outside, "pack.json")).Refusal;

        Assert.Equal(ErrorCatalogue.StoreInvalid, refusal?.Error);
        Assert.Contains($"{data} may be written by other users (mode 0770)", refusal!.Detail, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(data));
    }

    public void Dispose() => Directory.Delete(_outside, recursive: true);

    private static string[] Snapshot(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => $"{f} {File.GetLastWriteTimeUtc(f):O} {new FileInfo(f).Length}")];
}
