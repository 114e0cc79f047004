using System.Diagnostics;
using System.Runtime.Versioning;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;
using ProductKeys.Service.Hosting;
using ProductKeys.Service.Secrets;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Secrets;

/// <summary>
/// The publisher secrets folder others may write into, or whose key-group secret others may read, as pk server meets it: whoever
/// reads key-groups.key can work out every product key, whoever writes into the folder can plant their own. Refused, naming the fix.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SecretsFolderAccessTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>, IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-secrets-access-").FullName;

    [Fact]
    public async Task A_secrets_folder_others_may_write_or_a_key_group_secret_others_may_read_is_refused_naming_its_mode_and_the_fix()
    {
        var secrets = CopyOfSecrets();
        var master = Path.Combine(secrets, KeySecrets.MasterFileName);

        // Before, the node started on them: a key-groups.key left 0644 by a copy, a folder made 0777.
        File.SetUnixFileMode(master, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var readable = await RefusedAsync(secrets);
        Assert.Contains($"{master} is accessible to other users (mode 0644;", readable, StringComparison.Ordinal);
        Assert.Contains($"run 'chmod 600 {master}'", readable, StringComparison.Ordinal);

        File.SetUnixFileMode(master, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(secrets, Private | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        var writable = await RefusedAsync(secrets);
        Assert.Contains($"{secrets} may be written by other users (mode 0777)", writable, StringComparison.Ordinal);
        Assert.Contains($"chmod 700 {secrets})", writable, StringComparison.Ordinal);

        // A retired signing keys' folder others may write into, and then a later version's secret read by its group only: the same.
        File.SetUnixFileMode(secrets, Private);
        var retired = Directory.CreateDirectory(Path.Combine(secrets, PublisherKeyRing.RetiredFolderName)).FullName;
        File.SetUnixFileMode(retired, Private | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        Assert.Contains($"{retired} may be written by other users (mode 0703)", await RefusedAsync(secrets), StringComparison.Ordinal);
        Directory.Delete(retired);
        var rotated = Path.Combine(secrets, "key-groups.v2.key");
        File.Copy(master, rotated);
        File.SetUnixFileMode(rotated, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.Contains($"{rotated} is accessible to other users (mode 0640;", await RefusedAsync(secrets), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_secrets_folder_in_a_private_data_folder_is_refused_when_others_may_write_into_it()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder, "data"), Private).FullName;
        var secrets = Directory.CreateDirectory(Path.Combine(data, "secrets")).FullName;
        File.WriteAllBytes(Path.Combine(secrets, KeySecrets.MasterFileName), new byte[32]);
        File.SetUnixFileMode(secrets, Private | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute);

        var refused = await Assert.ThrowsAsync<StartRefusedException>(() =>
            LicensingServiceHost.BuildAsync(fixture.Options with { DataDirectory = data, SecretsDirectory = null }, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCatalogue.StoreInvalid, refused.Code);
        Assert.Contains("(mode 0730)", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, Data.DatabaseSettings.SqliteFileName)));
    }

    [Fact]
    public async Task A_secrets_folder_a_key_group_secret_or_a_signing_key_another_user_owns_is_refused()
    {
        Assert.SkipUnless(System.Environment.UserName == "root", "Only root can hand a file to another user; CI runs as root.");

        // Each 0600 or 0700, so only their owner (or root) could have written them: root would have used another user's secrets.
        foreach (var owned in new[] { "", KeySecrets.MasterFileName, SigningKeyFile.PrivateKeyFileName })
        {
            var secrets = CopyOfSecrets();
            await ChownAsync(Path.Combine(secrets, owned));
            var refused = await RefusedAsync(secrets);
            Assert.Contains("belongs to another user", refused, StringComparison.Ordinal);
            Assert.Contains("chown", refused, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<string> RefusedAsync(string secrets)
    {
        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => ExtraNode.StartAsync(fixture.Options with { SecretsDirectory = secrets }));
        Assert.Equal(ErrorCatalogue.StoreInvalid, refused.Code);
        return refused.Message;
    }

    /// <summary>A private copy of the fixture's secrets (which its database records), so a node with it would start.</summary>
    private string CopyOfSecrets()
    {
        var copy = Directory.CreateDirectory(Path.Combine(_folder, Guid.NewGuid().ToString("N")), Private).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(fixture.DataDirectory, "secrets")))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            File.SetUnixFileMode(Path.Combine(copy, Path.GetFileName(file)), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return copy;
    }

    private static async Task ChownAsync(string path)
    {
        using var chown = Process.Start("chown", ["65534", path]);
        await chown.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, chown.ExitCode);
    }
}
