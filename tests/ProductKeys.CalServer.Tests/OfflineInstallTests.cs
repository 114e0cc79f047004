using ProductKeys.CalServer.Packs;
using ProductKeys.Core.Signing;

namespace ProductKeys.CalServer.Tests;

/// <summary>Offline pack installation's files: a request that cannot be written makes nothing; a response carries only codes the service answers.</summary>
public sealed class OfflineInstallTests
{
    [Fact]
    public void A_request_file_in_a_missing_folder_or_onto_a_folder_is_VALIDATION_FAILED_and_makes_no_key_or_ID()
    {
        var root = Directory.CreateTempSubdirectory("pk-cal-offline-").FullName;
        try
        {
            var data = Path.Combine(root, "data");
            var installer = new PackInstaller(new Data.CalServerFolder(data), TimeProvider.System);
            foreach (var path in new[] { Path.Combine(root, "no", "such", "req.json"), root })
            {
                Assert.Equal("VALIDATION_FAILED", installer.WriteRequest("not checked first", false, path).Refusal?.Code);
            }

            Assert.False(File.Exists(Path.Combine(data, SigningKeyFile.PrivateKeyFileName)));
            Assert.False(Directory.Exists(data));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("INTERNAL_ERROR", "OFFLINE_DATA_INVALID")]
    [InlineData("NO_SUCH_CODE", "OFFLINE_DATA_INVALID")]
    [InlineData("MAK_LIMIT_REACHED", "MAK_LIMIT_REACHED")]
    [InlineData("CAL_MODE_MISMATCH", "CAL_MODE_MISMATCH")]
    public async Task A_response_file_s_code_is_kept_only_when_a_CAL_pack_activation_can_answer_it(string code, string expected)
    {
        using var world = new CalWorld();
        var file = Path.Combine(world.Folder.Path, "response.json");
        await File.WriteAllTextAsync(file, $$"""{"format":"pk-cal-pack-response-v1","code":"{{code}}","detail":"as written"}""", TestContext.Current.CancellationToken);
        var installed = await new PackInstaller(world.Folder, world.Time).InstallResponseFileAsync(file, world.Trust, TestContext.Current.CancellationToken);
        Assert.Equal(expected, installed.Refusal?.Code);
    }
}
