using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>pk</c>: a key given to the wrong command is KEY_WRONG_USE, and both lines say what the key is for. The
/// catalogue's line said "This key is not for devices" whatever the command, also under a KMS host given a Setup key.
/// </summary>
public sealed class WrongKeyTests : IDisposable
{
    // Well-formed keys of the test vectors (docs/formats/vectors/product-key-v1.json).
    private const string SetupKey = "F7QPR-3HFDG-YRFDH-HMCMP-BGJGH";
    private const string KmsHostKey = "H6FWH-XKYXK-BXXTM-9BKWX-Q9P9V";

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-wrong-key-").FullName;

    [Fact]
    public async Task A_setup_key_given_to_a_KMS_host_says_it_needs_a_KMS_host_key()
    {
        var result = await Pk.RunAsync("kms-host", "activate", "--data", Path.Combine(_folder, "kms"), "--key", SetupKey, "--offline-request", Path.Combine(_folder, "r.json"));

        Assert.True(result.ExitCode == ErrorCatalogue.KeyWrongUse.ExitCode, result.ToString());
        Assert.StartsWith("KEY_WRONG_USE: That is a Setup key: a KMS host activates with a KMS host key.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not for devices", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_KMS_host_key_given_to_a_device_says_what_it_activates()
    {
        var result = await Pk.RunAsync("ipk", KmsHostKey, "--product", "contoso-desktop", "--store", Path.Combine(_folder, "device"));

        Assert.True(result.ExitCode == ErrorCatalogue.KeyWrongUse.ExitCode, result.ToString());
        Assert.Contains("KMS host key: it activates a KMS host ('pk kms-host activate'), not a device", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
