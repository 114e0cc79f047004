using ProductKeys.CalServer.Data;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Errors;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// A folder for a command that only reads a CAL server (<c>pk cal-server report</c>): one that does not exist, is a file or
/// holds no CAL server is STORE_INVALID naming it and what to run first, and nothing is created there.
/// </summary>
public sealed class ReadOnlyFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pk-cal-folder-").FullName;

    [Theory]
    [InlineData("missing")]
    [InlineData("empty")]
    [InlineData("kms-host")]
    [InlineData("a-file")]
    public void A_folder_that_holds_no_CAL_server_is_refused_and_left_as_it_was(string kind)
    {
        var path = Path.Combine(_root, kind);
        switch (kind)
        {
            case "empty": Directory.CreateDirectory(path); break;
            case "kms-host": Directory.CreateDirectory(path); File.WriteAllText(Path.Combine(path, "host-id"), "kmsh-0123456789abcdef\n"); break;
            case "a-file": File.WriteAllText(path, "not a folder"); break;
        }

        var before = Directory.GetFileSystemEntries(_root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

        var refusal = CalServerFolder.Existing(path).Refusal;

        Assert.Equal(ErrorCatalogue.StoreInvalid, refusal?.Error);
        Assert.Contains(path, refusal!.Detail, StringComparison.Ordinal);
        Assert.Contains("'pk cal-server install-pack --data DIR'", refusal.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFileSystemEntries(_root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_serving_folder_is_accepted_and_one_that_lost_its_key_is_refused_naming_the_key()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerUser, purchased: 5);
        Assert.True(CalServerFolder.Existing(world.Folder.Path).IsSuccess);

        var key = Path.Combine(world.Folder.Path, "signing-key.pem");
        File.Delete(key);
        var lost = CalServerFolder.Existing(world.Folder.Path).Refusal;
        Assert.Equal(ErrorCatalogue.StoreInvalid, lost?.Error);
        Assert.Contains(key, lost!.Detail, StringComparison.Ordinal);
        Assert.False(File.Exists(key));
    }

    [Theory]
    [InlineData("server-id")]
    [InlineData("signing-key.pem")]
    public void A_server_whose_first_install_is_not_done_yet_has_no_pack_rather_than_no_server(string file)
    {
        // install-pack --offline-request (or a refused install) leaves the server's key and ID, and no database yet.
        var path = Directory.CreateDirectory(Path.Combine(_root, "waiting")).FullName;
        File.WriteAllText(Path.Combine(path, file), "x");

        var refusal = CalServerFolder.Existing(path).Refusal;

        Assert.Equal(ErrorCatalogue.CalPackNotInstalled, refusal?.Error);
        Assert.Contains(path, refusal!.Detail, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(path, "cal.db")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
