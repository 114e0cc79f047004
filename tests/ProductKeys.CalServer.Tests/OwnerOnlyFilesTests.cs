using System.Runtime.Versioning;
using ProductKeys.CalServer.Data;
using ProductKeys.Core.Cal;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// Every file a CAL server makes in its data folder is its owner's only (0600) and every folder it makes 0700, whatever the
/// umask: the CAL database, its <c>-wal</c>/<c>-shm</c>, the ID and the lock were 0644, readable by every user of the machine.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class OwnerOnlyFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pk-cal-owner-only-").FullName;

    [Fact]
    public async Task Every_file_of_a_serving_CAL_server_is_owner_only()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerUser, purchased: 5);
        var built = CalServerApp.Build(world.Folder.Path, ["http://127.0.0.1:0"], world.Time);
        Assert.True(built.IsSuccess, built.Refusal?.ToString());
        await using var app = built.Value;
        var files = Directory.GetFiles(world.Folder.Path);

        // Before, server-id, cal.db (-wal, -shm) and cal.lock were 0644.
        foreach (var name in new[] { "server-id", "cal.db", "cal.db-wal", "cal.db-shm", "cal.lock", "signing-key.pem" })
        {
            Assert.Contains(Path.Combine(world.Folder.Path, name), files);
        }

        Assert.Equal(files.Select(f => $"{f} 0600"), files.Select(Mode));
    }

    [Fact]
    public void A_new_data_folder_and_its_missing_parents_are_0700_and_the_ID_0600()
    {
        var parent = Path.Combine(_root, "srv");
        var data = Path.Combine(parent, "cal");

        var identity = CalServerIdentity.LoadOrCreate(new CalServerFolder(data));
        Assert.True(identity.IsSuccess, identity.Refusal?.ToString());
        identity.Value.Dispose();

        var files = Directory.GetFiles(data);
        Assert.Contains(Path.Combine(data, "server-id"), files);
        Assert.Equal(files.Select(f => $"{f} 0600"), files.Select(Mode));
        Assert.Equal([$"{parent} 0700", $"{data} 0700"], [Mode(parent), Mode(data)]);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Mode(string path) => $"{path} {Convert.ToString((int)File.GetUnixFileMode(path), 8).PadLeft(4, '0')}";
}
