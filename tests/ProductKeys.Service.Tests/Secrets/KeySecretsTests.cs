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

    [Fact]
    public void A_later_version_derives_from_its_own_master_and_a_key_names_the_version_it_holds_under()
    {
        var second = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        var secrets = KeySecrets.FromMaster(Master, second);
        Span<byte> message = stackalloc byte[22];
        "pk-group-secret-v1"u8.CopyTo(message);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(message[18..], 1001);

        Assert.Equal(2, secrets.CurrentVersion);
        Assert.Equal(Expected, Convert.ToHexStringLower(secrets.GroupSecret(1001, 1)));
        Assert.Equal(System.Security.Cryptography.HMACSHA256.HashData(second, message), secrets.GroupSecret(1001, 2));
        var v1 = Core.Keys.ProductKey.Derive(Core.Keys.KeyType.Mak, 1001, 5, secrets.GroupSecret(1001, 1));
        var v2 = Core.Keys.ProductKey.Derive(Core.Keys.KeyType.Mak, 1001, 5, secrets.GroupSecret(1001, 2));
        Assert.Equal([1], secrets.VersionsOf(v1));
        Assert.Equal([2], secrets.VersionsOf(v2));
        Assert.Empty(KeySecrets.FromMaster(Master).VersionsOf(v2));
    }

    [Fact]
    public void Rotating_writes_the_next_version_owner_only_and_a_gap_in_versions_is_refused()
    {
        var folder = Directory.CreateTempSubdirectory("pk-secrets-").FullName;
        try
        {
            KeySecrets.LoadOrCreate(folder, create: true);
            Assert.Equal(2, KeySecrets.Rotate(folder));
            Assert.Equal(3, KeySecrets.Rotate(folder));
            Assert.Equal(3, KeySecrets.LoadOrCreate(folder, create: false).CurrentVersion);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "key-groups.v3.key")));
            }

            File.Delete(Path.Combine(folder, "key-groups.v2.key"));
            Assert.Throws<InvalidDataException>(() => KeySecrets.LoadOrCreate(folder, create: false));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private const string Expected = "c5d1cb15230db3d5ede1ded318012074151ccfed1a2637f51e1ccd10d8030940";
}
