using ProductKeys.CalServer.Data;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Signing;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// A data folder whose identity or trust files were lost or edited stops the start with STORE_INVALID naming the file
/// (docs/adr/0018-cal-server.md), instead of serving CAL_PACK_NOT_INSTALLED to everyone or making a new key.
/// </summary>
public sealed class DataFolderTests
{
    [Theory]
    [InlineData("signing-key.pem", "delete")]
    [InlineData("publisher-keys.pem", "delete")]
    [InlineData("publisher-keys.pem", "empty")]
    [InlineData("server-id", "edit")]
    [InlineData("server-id", "delete")]
    public async Task A_lost_or_edited_identity_or_trust_file_stops_the_start_with_STORE_INVALID_naming_it(string file, string damage)
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerUser, purchased: 5);
        var path = Path.Combine(world.Folder.Path, file);
        switch (damage)
        {
            case "delete": File.Delete(path); break;
            case "empty": File.WriteAllText(path, ""); break;
            default: File.WriteAllText(path, "cals-0123456789abcdef\n"); break;
        }

        var built = CalServerApp.Build(world.Folder.Path, ["http://127.0.0.1:0"], world.Time);
        if (built.IsSuccess)
        {
            await built.Value.DisposeAsync();
        }

        Assert.Equal("STORE_INVALID", built.Refusal?.Code);
        Assert.Contains(path, built.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Equal(damage != "delete", File.Exists(path)); // nothing made anew, above all no new key
    }

    [Fact]
    public async Task A_second_server_on_a_folder_one_serves_is_refused_with_CONFLICT_and_once_it_stops_another_starts()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerUser, purchased: 5);
        var first = CalServerApp.Build(world.Folder.Path, ["http://127.0.0.1:0"], world.Time).Value;

        var second = CalServerApp.Build(world.Folder.Path, ["http://127.0.0.1:0"], world.Time);
        if (second.IsSuccess)
        {
            await second.Value.DisposeAsync();
        }

        Assert.Equal("CONFLICT", second.Refusal?.Code);
        Assert.Contains("Another CAL server is serving " + world.Folder.Path, second.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Contains("cal.lock", second.Refusal.Detail, StringComparison.Ordinal);

        await first.DisposeAsync();
        var after = CalServerApp.Build(world.Folder.Path, ["http://127.0.0.1:0"], world.Time);
        Assert.True(after.IsSuccess, after.Refusal?.ToString());
        await after.Value.DisposeAsync();
    }

    [Fact]
    public async Task A_KMS_hosts_folder_is_refused_before_a_CAL_server_makes_its_ID_there_or_uses_the_hosts_key()
    {
        // The KMS host's folder: its ID and its key, under the name a CAL server's key has too.
        var path = Directory.CreateTempSubdirectory("pk-cal-kms-folder-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(path, "host-id"), "kmsh-0123456789abcdef\n");
            SigningKeyFile.LoadOrCreate(path).Value.Dispose();
            var before = Directory.GetFiles(path).Order(StringComparer.Ordinal).ToArray();

            var built = CalServerApp.Build(path, ["http://127.0.0.1:0"], TimeProvider.System);
            if (built.IsSuccess)
            {
                await built.Value.DisposeAsync();
            }

            var identity = CalServerIdentity.LoadOrCreate(new CalServerFolder(path));
            if (identity.IsSuccess)
            {
                identity.Value.Dispose();
            }

            foreach (var refusal in new[] { built.Refusal, identity.Refusal })
            {
                Assert.Equal("STORE_INVALID", refusal?.Code);
                Assert.Contains($"{path} holds a KMS host (host-id)", refusal!.Detail, StringComparison.Ordinal);
            }

            Assert.Equal(before, Directory.GetFiles(path).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public void A_new_folder_still_gets_its_key_and_ID()
    {
        var folder = new CalServerFolder(Path.Combine(Directory.CreateTempSubdirectory("pk-cal-new-").FullName, "data"));
        try
        {
            using var identity = CalServerIdentity.LoadOrCreate(folder).Value;
            Assert.StartsWith("cals-", identity.ServerId, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folder.Path, SigningKeyFile.PrivateKeyFileName)));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder.Path)!, recursive: true);
        }
    }
}
