using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.Hosting;
using ProductKeys.Service.Secrets;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Secrets;

/// <summary>
/// Nodes on one database must hold the secrets its keys were issued under: the first start records
/// their fingerprint, and a node with other secrets, or none, refuses to start (SECRETS_MISMATCH).
/// </summary>
public sealed class SecretsFingerprintTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-secrets-fp-").FullName;

    [Fact]
    public void The_fingerprint_is_a_one_way_derivation_pinned_by_a_vector()
    {
        var master = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var fingerprint = KeySecrets.FromMaster(master).Fingerprint();
        Assert.Equal(64, fingerprint.Length);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(master, "pk-secrets-fingerprint-v1"u8)), fingerprint);
        Assert.DoesNotContain(Convert.ToHexStringLower(master), fingerprint, StringComparison.Ordinal);
        Assert.NotEqual(Convert.ToHexStringLower(KeySecrets.FromMaster(master).GroupSecret(0, 1)), fingerprint);
    }

    [Fact]
    public async Task On_SQLite_a_node_started_with_other_secrets_refuses_to_start()
    {
        var data = Path.Combine(_folder, "sqlite");
        await (await LicensingServiceHost.BuildAsync(Options(data, null, null), Ct)).DisposeAsync();

        var other = OtherSecrets("other");
        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => LicensingServiceHost.BuildAsync(Options(data, null, other), Ct));
        Assert.Equal(ErrorCatalogue.SecretsMismatch, refused.Code);
        Assert.Contains("copy the secrets folder from the first node", refused.Message, StringComparison.Ordinal);

        // Lost secrets are refused, not silently regenerated.
        Directory.Move(Path.Combine(data, "secrets"), Path.Combine(_folder, "moved"));
        refused = await Assert.ThrowsAsync<StartRefusedException>(() => LicensingServiceHost.BuildAsync(Options(data, null, null), Ct));
        Assert.Equal(ErrorCatalogue.SecretsMismatch, refused.Code);
        Assert.False(File.Exists(Path.Combine(data, "secrets", KeySecrets.MasterFileName)));

        await (await LicensingServiceHost.BuildAsync(Options(data, null, Path.Combine(_folder, "moved")), Ct)).DisposeAsync();
    }

    [Fact]
    public async Task On_PostgreSQL_a_second_node_without_the_first_nodes_secrets_refuses_to_start()
    {
        var admin = PostgresFixture.AdminConnectionString;
        if (admin is null)
        {
            Assert.SkipWhen(PostgresFixture.OptedOut, "PK_SKIP_POSTGRES=1: PostgreSQL SKIPPED.");
            Assert.Fail("PK_TEST_POSTGRES is not set: run ./test.sh or 'source scripts/test-postgres.sh && start_test_postgres'.");
        }

        var (name, connection) = await PostgresFixture.CreateAsync(admin);
        try
        {
            var first = Path.Combine(_folder, "first");
            await (await LicensingServiceHost.BuildAsync(Options(first, connection, null), Ct)).DisposeAsync();

            var second = Path.Combine(_folder, "second");
            var refused = await Assert.ThrowsAsync<StartRefusedException>(() => LicensingServiceHost.BuildAsync(Options(second, connection, null), Ct));
            Assert.Equal(ErrorCatalogue.SecretsMismatch, refused.Code);
            Assert.False(File.Exists(Path.Combine(second, "secrets", KeySecrets.MasterFileName)), "no secrets are generated for a database that has some");

            refused = await Assert.ThrowsAsync<StartRefusedException>(() => LicensingServiceHost.BuildAsync(Options(second, connection, OtherSecrets("third")), Ct));
            Assert.Equal(ErrorCatalogue.SecretsMismatch, refused.Code);

            // The first node's folder, copied: starts.
            await (await LicensingServiceHost.BuildAsync(Options(second, connection, Path.Combine(first, "secrets")), Ct)).DisposeAsync();
            await using var db = LicensingDatabase.Create(Data.DatabaseSettings.ForPostgres(connection));
            var row = await db.SecretsFingerprints.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(KeySecrets.LoadOrCreate(Path.Combine(first, "secrets"), create: false).Fingerprint(), row.KeyGroupsFingerprint);
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await PostgresFixture.DropAsync(admin, name);
        }
    }

    [Fact]
    public async Task After_a_rotation_the_rotated_folder_starts_and_from_then_on_the_folder_from_before_is_refused()
    {
        var data = Path.Combine(_folder, "rotating");
        await (await LicensingServiceHost.BuildAsync(Options(data, null, null), Ct)).DisposeAsync();
        var secrets = Path.Combine(data, "secrets");
        var before = CopyOf(secrets, "before-signing-rotation");

        var rotated = PublisherKeyRing.Rotate(secrets, TimeProvider.System);
        Assert.True(rotated.IsSuccess, rotated.Refusal?.ToString());
        await (await LicensingServiceHost.BuildAsync(Options(data, null, null), Ct)).DisposeAsync();
        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => LicensingServiceHost.BuildAsync(Options(data, null, before), Ct));
        Assert.Equal(ErrorCatalogue.SecretsMismatch, refused.Code);

        var beforeWithdrawal = CopyOf(secrets, "before-withdrawal");
        Assert.True(PublisherKeyRing.Withdraw(secrets, rotated.Value.PreviousKeyId, TimeProvider.System).IsSuccess);
        await (await LicensingServiceHost.BuildAsync(Options(data, null, null), Ct)).DisposeAsync();
        refused = await Assert.ThrowsAsync<StartRefusedException>(() => LicensingServiceHost.BuildAsync(Options(data, null, beforeWithdrawal), Ct));
        Assert.Contains("publisher signing keys", refused.Message, StringComparison.Ordinal);

        var beforeVersion = CopyOf(secrets, "before-version");
        KeySecrets.Rotate(secrets);
        await (await LicensingServiceHost.BuildAsync(Options(data, null, null), Ct)).DisposeAsync();
        refused = await Assert.ThrowsAsync<StartRefusedException>(() => LicensingServiceHost.BuildAsync(Options(data, null, beforeVersion), Ct));
        Assert.Contains("key-group secrets", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_withdrawn_key_file_put_back_is_refused_by_every_use_of_the_folder()
    {
        var secrets = Path.Combine(_folder, "revived");
        using (PublisherKeyRing.Load(secrets, create: true, TimeProvider.System))
        {
        }

        var rotated = PublisherKeyRing.Rotate(secrets, TimeProvider.System).Value;
        var oldKeyFile = Path.Combine(secrets, PublisherKeyRing.RetiredFolderName, rotated.PreviousKeyId + ".pem");
        var kept = Path.Combine(_folder, "kept.pem");
        File.Copy(oldKeyFile, kept); // keeps its 0600 mode, as a restore would
        Assert.True(PublisherKeyRing.Withdraw(secrets, rotated.PreviousKeyId, TimeProvider.System).IsSuccess);
        Assert.False(File.Exists(oldKeyFile));
        File.Copy(kept, oldKeyFile);

        var refused = Assert.Throws<InvalidOperationException>(() => PublisherKeyRing.Load(secrets, create: false, TimeProvider.System));
        Assert.Contains(rotated.PreviousKeyId, refused.Message, StringComparison.Ordinal);
        Assert.Contains("withdrawn", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCatalogue.StoreInvalid, PublisherKeyRing.Rotate(secrets, TimeProvider.System).Refusal?.Error);
        File.Delete(oldKeyFile);
        Assert.True(PublisherKeyRing.Rotate(secrets, TimeProvider.System).IsSuccess);
    }

    [Fact]
    public async Task A_secrets_folder_missing_a_file_or_holding_a_damaged_one_refuses_the_start_with_STORE_INVALID()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_folder, "empty-secrets")).FullName;
        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => LicensingServiceHost.BuildAsync(Options(Path.Combine(_folder, "data-1"), null, empty), Ct));
        Assert.Equal(ErrorCatalogue.StoreInvalid, refused.Code);
        Assert.Contains("key-groups.key", refused.Message, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            // The data folder the start made is the owner's only.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_folder, "data-1")));
        }

        var damaged = OtherSecrets("damaged-secrets");
        File.WriteAllText(Path.Combine(damaged, PublisherKeyRing.KeyListsFileName), "not a key list\n");
        refused = await Assert.ThrowsAsync<StartRefusedException>(() => LicensingServiceHost.BuildAsync(Options(Path.Combine(_folder, "data-2"), null, damaged), Ct));
        Assert.Equal(ErrorCatalogue.StoreInvalid, refused.Code);
        Assert.Contains(PublisherKeyRing.KeyListsFileName, refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string CopyOf(string folder, string name)
    {
        var copy = Path.Combine(_folder, name);
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    private static ServerOptions Options(string data, string? postgres, string? secrets) => new()
    {
        DataDirectory = data,
        PostgresConnectionString = postgres,
        SecretsDirectory = secrets,
        Urls = "http://127.0.0.1:0",
        Migrate = true,
        Configuration = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" },
    };

    private string OtherSecrets(string name)
    {
        var folder = Path.Combine(_folder, name);
        KeySecrets.LoadOrCreate(folder, create: true);
        PublisherKeyRing.Load(folder, create: true, TimeProvider.System).Dispose();
        return folder;
    }
}
