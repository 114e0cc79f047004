using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Tests.Secrets;

/// <summary>secret(group) = HMAC-SHA256(master, "pk-group-secret-v1" || group as 4 bytes big-endian), pinned.</summary>
public sealed class KeySecretsTests
{
    private static readonly byte[] Master = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void A_group_secret_matches_the_committed_vector() =>
        Assert.Equal(Expected, Convert.ToHexStringLower(KeySecrets.FromMaster(Master).GroupSecret(1001, 1)));

    [Fact]
    public void Groups_get_different_secrets() =>
        Assert.NotEqual(KeySecrets.FromMaster(Master).GroupSecret(1, 1), KeySecrets.FromMaster(Master).GroupSecret(2, 1));

    [Fact]
    public void An_operator_supplied_folder_without_the_master_file_is_refused_not_filled()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pk-secrets-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            Assert.Throws<FileNotFoundException>(() => KeySecrets.LoadOrCreate(folder, create: false));
            Assert.False(File.Exists(Path.Combine(folder, KeySecrets.MasterFileName)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private const string Expected = "c5d1cb15230db3d5ede1ded318012074151ccfed1a2637f51e1ccd10d8030940";
}
