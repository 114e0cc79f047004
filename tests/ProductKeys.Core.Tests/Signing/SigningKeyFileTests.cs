using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Signing;

public sealed class SigningKeyFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pk-signing-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_new_key_file_is_created_with_permissions_0600_in_a_0700_folder()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix permissions only.");
            return; // unreachable; tells the platform analyzer the rest runs on Unix only
        }

        var data = Path.Combine(_folder, "data");

        using var key = SigningKeyFile.LoadOrCreate(data).Value;

        var path = Path.Combine(data, SigningKeyFile.PrivateKeyFileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        Assert.Equal([SigningKeyFile.PrivateKeyFileName], Directory.GetFiles(data).Select(Path.GetFileName));
    }

    [Fact]
    public void Load_or_create_returns_the_same_key_the_second_time()
    {
        using var first = SigningKeyFile.LoadOrCreate(_folder).Value;
        using var second = SigningKeyFile.LoadOrCreate(_folder).Value;

        Assert.Equal(first.KeyId, second.KeyId);
    }

    [Fact]
    public void A_key_file_readable_by_others_is_refused_not_repaired()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix permissions only.");
            return; // unreachable; tells the platform analyzer the rest runs on Unix only
        }

        using (SigningKeyFile.LoadOrCreate(_folder).Value)
        {
        }

        var path = Path.Combine(_folder, SigningKeyFile.PrivateKeyFileName);
        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(path, readable);

        var outcome = SigningKeyFile.LoadOrCreate(_folder);

        Assert.Equal("STORE_INVALID", outcome.Refusal?.Code);
        Assert.Contains("chmod 600", outcome.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Equal(readable, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Missing_or_damaged_key_files_are_refused_with_STORE_INVALID()
    {
        Directory.CreateDirectory(_folder);
        var damaged = Path.Combine(_folder, "damaged.pem");
        File.WriteAllText(damaged, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(damaged, SigningKeyFile.PrivateKeyMode);
        }

        Assert.Equal("STORE_INVALID", SigningKeyFile.Load(Path.Combine(_folder, "missing.pem")).Refusal?.Code);
        Assert.Equal("STORE_INVALID", SigningKeyFile.Load(damaged).Refusal?.Code);
        Assert.Equal("STORE_INVALID", SigningKeyFile.LoadPublicKeys(Path.Combine(_folder, "missing.pem")).Refusal?.Code);
        Assert.Equal("STORE_INVALID", SigningKeyFile.LoadPublicKeys(damaged).Refusal?.Code);
    }

    [Fact]
    public void Public_keys_saved_to_a_trust_file_load_back()
    {
        Directory.CreateDirectory(_folder);
        using var a = SigningKey.Generate();
        using var b = SigningKey.Generate();
        var path = Path.Combine(_folder, "trust.pem");

        SigningKeyFile.SavePublicKeys(path, new TrustedKeySet(a.PublicKey, b.PublicKey));
        var loaded = SigningKeyFile.LoadPublicKeys(path).Value;

        Assert.Equal([a.KeyId, b.KeyId], loaded.Keys.Select(k => k.KeyId));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
