using System.Text.Json;
using ProductKeys.CalServer.Packs;
using ProductKeys.Core.Cal;
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

    [Theory]
    [InlineData("pk-cal-pack-response-v2", "newer version")]
    [InlineData("pk-cal-pack-response-v10", "newer version")]
    [InlineData("pk-kms-host-response-v1", "not a pk-cal-pack-response-v1 file")]
    [InlineData("pk-offline-response-v1", "not a pk-cal-pack-response-v1 file")]
    [InlineData("pk-cal-pack-request-v1", "not a pk-cal-pack-response-v1 file")]
    [InlineData("", "not a pk-cal-pack-response-v1 file")]
    public async Task A_response_file_of_another_format_or_a_later_version_is_OFFLINE_DATA_INVALID_and_installs_nothing(string format, string says)
    {
        using var world = new CalWorld();
        var certificate = JsonSerializer.Serialize(world.SignPack(CalMode.PerDevice, 5).Text);
        var file = Path.Combine(world.Folder.Path, "response.json");
        await File.WriteAllTextAsync(file, $$"""{"format":"{{format}}","packCertificate":{{certificate}}}""", TestContext.Current.CancellationToken);

        var installed = await new PackInstaller(world.Folder, world.Time).InstallResponseFileAsync(file, world.Trust, TestContext.Current.CancellationToken);

        Assert.Equal("OFFLINE_DATA_INVALID", installed.Refusal?.Code);
        Assert.Contains(says, installed.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Empty((await world.UsageAsync()).Packs);
    }

    [Theory]
    [InlineData("""{"format":"pk-cal-pack-response-v1","packCertificate":CERT}""")]
    [InlineData("""{"packCertificate":CERT}""")]
    public async Task The_response_file_and_the_online_answer_without_a_format_are_installed(string json)
    {
        using var world = new CalWorld();
        var file = Path.Combine(world.Folder.Path, "response.json");
        await File.WriteAllTextAsync(file, json.Replace("CERT", JsonSerializer.Serialize(world.SignPack(CalMode.PerDevice, 5).Text), StringComparison.Ordinal),
            TestContext.Current.CancellationToken);

        var installed = await new PackInstaller(world.Folder, world.Time).InstallResponseFileAsync(file, world.Trust, TestContext.Current.CancellationToken);

        Assert.True(installed.IsSuccess, installed.Refusal?.ToString());
        Assert.Single((await world.UsageAsync()).Packs);
    }

    [Theory]
    [InlineData("big")]
    [InlineData("/dev/zero")]
    [InlineData("folder")]
    public async Task A_response_file_larger_than_1_MiB_or_endless_is_OFFLINE_DATA_INVALID_without_reading_it_whole(string given)
    {
        using var world = new CalWorld();
        var file = given switch
        {
            "big" => Path.Combine(world.Folder.Path, "response.json"),
            "folder" => world.Folder.Path,
            _ => given,
        };
        if (given == "big")
        {
            await File.WriteAllTextAsync(file, $$"""{"format":"pk-cal-pack-response-v1","code":"MAK_LIMIT_REACHED","detail":"{{new string('x', 2 * 1024 * 1024)}}"}""",
                TestContext.Current.CancellationToken);
        }

        var installed = await new PackInstaller(world.Folder, world.Time).InstallResponseFileAsync(file, world.Trust, TestContext.Current.CancellationToken);

        Assert.Equal("OFFLINE_DATA_INVALID", installed.Refusal?.Code);
        Assert.Empty((await world.UsageAsync()).Packs);
    }
}
