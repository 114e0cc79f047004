using System.Diagnostics;
using System.Runtime.Versioning;
using Microsoft.Data.Sqlite;
using ProductKeys.Data;
using ProductKeys.Data.Backup;
using ProductKeys.Data.Sqlite;
using ProductKeys.Service.Hosting;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Backup;

/// <summary>
/// The SQLite database of a data folder as pk server, pk db migrate and pk db restore leave it: owner-only files, no wait
/// without end on a migration lock left behind, no silent empty service after a restore cut short, a hint that survives copy-paste.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DataFolderDatabaseTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>, IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode Readable = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-data-files-").FullName;

    [Fact]
    public async Task The_database_its_wal_and_shm_are_owner_only_in_a_folder_others_may_read_and_an_older_loose_one_is_tightened()
    {
        // A folder the operator made 0755: a node's first start makes the database in it.
        var data = OpenFolder("first-start");
        var database = Path.Combine(data, DatabaseSettings.SqliteFileName);
        await using (await StartAsync(data, migrate: false))
        {
            using var writer = Write(database);
            Assert.Equal([OwnerOnly, OwnerOnly, OwnerOnly], Modes(database, "", "-wal", "-shm"));
        }

        // pk db migrate into a new database; pk db restore into a new database.
        var migrated = OpenFolder("migrated");
        Assert.True((await LicensingDatabase.MigrateAloneAsync(DatabaseSettings.ForDataDirectory(migrated), TestContext.Current.CancellationToken)).IsSuccess);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(migrated, DatabaseSettings.SqliteFileName)));
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "b.db"), overwrite: false).Value;
        var restored = OpenFolder("restored");
        Assert.True(SqliteBackup.Restore(backup.Path, DatabaseSettings.ForDataDirectory(restored), replace: false).IsSuccess);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(restored, DatabaseSettings.SqliteFileName)));

        // Made 0644 by an earlier version: tightened, side files too, when a node starts on it.
        using (var writer = Write(database))
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.SetUnixFileMode(database + suffix, Readable);
            }

            await using (await StartAsync(data, migrate: false))
            {
                Assert.Equal([OwnerOnly, OwnerOnly, OwnerOnly], Modes(database, "", "-wal", "-shm"));
            }
        }

        // And by pk db migrate.
        var migratedDatabase = Path.Combine(migrated, DatabaseSettings.SqliteFileName);
        File.SetUnixFileMode(migratedDatabase, Readable);
        Assert.True((await LicensingDatabase.MigrateAloneAsync(DatabaseSettings.ForDataDirectory(migrated), TestContext.Current.CancellationToken)).IsSuccess);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(migratedDatabase));
    }

    [Fact]
    public async Task A_node_asked_to_migrate_past_a_migration_lock_left_behind_is_refused_at_once_naming_pk_db_migrate()
    {
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "b.db"), overwrite: false).Value;
        var data = Path.Combine(_folder, "killed migration");
        Assert.True(SqliteBackup.Restore(backup.Path, DatabaseSettings.ForDataDirectory(data), replace: false).IsSuccess);
        // What a migration killed part way leaves: EF Core's lock row, for which every later migration waited without end.
        Execute(Path.Combine(data, DatabaseSettings.SqliteFileName), """
            CREATE TABLE IF NOT EXISTS "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL);
            INSERT INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, '2026-12-01 10:00:00+00:00');
            """);

        // A guard, not a measure: the old code waited for ever; the refusal comes before any wait.
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        guard.CancelAfter(TimeSpan.FromSeconds(60));
        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => LicensingServiceHost.BuildAsync(Options(data, migrate: true), guard.Token));
        Assert.Equal(Core.Errors.ErrorCatalogue.Conflict, refused.Code);
        Assert.Contains($"pk db migrate --data '{data}'", refused.Message, StringComparison.Ordinal);

        // The fix it names: pk db migrate, alone on the folder, removes the row; the node then migrates and starts.
        Assert.True((await LicensingDatabase.MigrateAloneAsync(DatabaseSettings.ForDataDirectory(data), guard.Token)).IsSuccess);
        await using (await StartAsync(data, migrate: true))
        {
        }
    }

    [Fact]
    public async Task A_restore_cut_short_leaves_a_folder_that_nodes_and_pk_db_migrate_refuse_until_the_restore_is_run_again()
    {
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "b.db"), overwrite: false).Value;

        // Killed while it wrote into a new folder: only the restore's own file is there, half written.
        var data = Path.Combine(_folder, "new");
        Directory.CreateDirectory(data);
        var database = Path.Combine(data, DatabaseSettings.SqliteFileName);
        var bytes = File.ReadAllBytes(backup.Path);
        File.WriteAllBytes(Restoring(database), bytes[..(bytes.Length / 2)]);

        // Before: the node made an empty database and served it, and 'pk db migrate' migrated one: the restored data silently gone.
        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => StartAsync(data, migrate: false));
        Assert.Equal(Core.Errors.ErrorCatalogue.StoreInvalid, refused.Code);
        Assert.Contains("Run the same pk db restore again", refused.Message, StringComparison.Ordinal);
        var migrate = await LicensingDatabase.MigrateAloneAsync(DatabaseSettings.ForDataDirectory(data), TestContext.Current.CancellationToken);
        Assert.Equal("STORE_INVALID", migrate.Refusal?.Code);
        Assert.False(File.Exists(database));

        // Run again, the restore starts over, and the node serves the backup.
        var restored = SqliteBackup.Restore(backup.Path, DatabaseSettings.ForDataDirectory(data), replace: false);
        Assert.True(restored.IsSuccess, restored.Refusal?.ToString());
        Assert.Equal(backup.Rows, restored.Value.Rows);
        Assert.Equal([DatabaseSettings.SqliteFileName, SqliteServingLock.FileName], Directory.GetFiles(data).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        await using (await StartAsync(data, migrate: false))
        {
        }

        // Killed while --force replaced a database: the database is the old one, and is refused just the same.
        File.WriteAllBytes(Restoring(database), bytes[..(bytes.Length / 2)]);
        Assert.Equal(Core.Errors.ErrorCatalogue.StoreInvalid, (await Assert.ThrowsAsync<StartRefusedException>(() => StartAsync(data, migrate: false))).Code);
        SqliteConnection.ClearAllPools(); // the node's pooled connections, which a restore takes for a node still running
        var forced = SqliteBackup.Restore(backup.Path, DatabaseSettings.ForDataDirectory(data), replace: true);
        Assert.True(forced.IsSuccess, forced.Refusal?.ToString());
        Assert.False(File.Exists(Restoring(database)));
    }

    [Fact]
    public async Task A_data_folder_other_users_may_write_into_is_refused_before_anything_is_made_or_read_in_it()
    {
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "b.db"), overwrite: false).Value;

        // Made 0777 by another user of a shared machine, their own key-groups.key planted in it before the first start.
        var data = Path.Combine(_folder, "shared");
        Directory.CreateDirectory(Path.Combine(data, "secrets"));
        File.WriteAllBytes(Path.Combine(data, "secrets", "key-groups.key"), new byte[32]);
        File.SetUnixFileMode(data, Readable | UnixFileMode.UserExecute | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        // Before, the node started and derived every key from the planted secret.
        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => ExtraNode.StartAsync(Options(data, migrate: false) with { SecretsDirectory = null }));
        Assert.Equal(Core.Errors.ErrorCatalogue.StoreInvalid, refused.Code);
        Assert.Contains("chmod 700", refused.Message, StringComparison.Ordinal);
        Assert.Equal("STORE_INVALID", (await LicensingDatabase.MigrateAloneAsync(DatabaseSettings.ForDataDirectory(data), TestContext.Current.CancellationToken)).Refusal?.Code);
        Assert.Equal("STORE_INVALID", SqliteBackup.Restore(backup.Path, DatabaseSettings.ForDataDirectory(data), replace: false).Refusal?.Code);
        Assert.False(File.Exists(Path.Combine(data, DatabaseSettings.SqliteFileName)));

        // Writable by its group only: the same.
        File.SetUnixFileMode(data, Readable | UnixFileMode.UserExecute | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        Assert.Equal(Core.Errors.ErrorCatalogue.StoreInvalid, (await Assert.ThrowsAsync<StartRefusedException>(() => ExtraNode.StartAsync(Options(data, migrate: false) with { SecretsDirectory = null }))).Code);
    }

    [Fact]
    public void A_backup_of_a_data_folder_other_users_may_write_into_is_refused_and_writes_nothing()
    {
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "b.db"), overwrite: false).Value;
        var data = Path.Combine(_folder, "shared");
        Assert.True(SqliteBackup.Restore(backup.Path, DatabaseSettings.ForDataDirectory(data), replace: false).IsSuccess);

        // Made 0777 since (or a database planted in another user's folder): before, pk db backup copied it as the service's own.
        File.SetUnixFileMode(data, Readable | UnixFileMode.UserExecute | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        var refused = SqliteBackup.Backup(DatabaseSettings.ForDataDirectory(data), Path.Combine(_folder, "again.db"), overwrite: false);

        Assert.Equal("STORE_INVALID", refused.Refusal?.Code);
        Assert.Contains($"{data} may be written by other users (mode 0777)", refused.Refusal?.Detail, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "again.db")));
    }

    [Fact]
    public async Task A_data_folder_another_user_owns_is_refused_whatever_its_mode()
    {
        Assert.SkipUnless(System.Environment.UserName == "root", "Only root can hand a folder to another user; CI runs as root.");
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "b.db"), overwrite: false).Value;

        // Made 0755 by another user (a /tmp/pk of theirs), their own key-groups.key in it: root wrote the database beside it.
        var data = Path.Combine(_folder, "theirs");
        Directory.CreateDirectory(Path.Combine(data, "secrets"));
        File.WriteAllBytes(Path.Combine(data, "secrets", "key-groups.key"), new byte[32]);
        File.SetUnixFileMode(data, Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        using (var chown = Process.Start("chown", ["-R", "65534", data]))
        {
            await chown.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, chown.ExitCode);
        }

        // Before, the node started and derived every key from the planted secret.
        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => ExtraNode.StartAsync(Options(data, migrate: true) with { SecretsDirectory = null }));
        Assert.Equal(Core.Errors.ErrorCatalogue.StoreInvalid, refused.Code);
        Assert.Contains("belongs to another user", refused.Message, StringComparison.Ordinal);
        Assert.Equal("STORE_INVALID", (await LicensingDatabase.MigrateAloneAsync(DatabaseSettings.ForDataDirectory(data), TestContext.Current.CancellationToken)).Refusal?.Code);
        Assert.Equal("STORE_INVALID", SqliteBackup.Restore(backup.Path, DatabaseSettings.ForDataDirectory(data), replace: false).Refusal?.Code);
        Assert.False(File.Exists(Path.Combine(data, DatabaseSettings.SqliteFileName)));
    }

    [Fact]
    public async Task The_migrate_command_a_restore_prints_names_its_folder_for_the_shell_whatever_the_path_holds()
    {
        var older = DatabaseSettings.ForDataDirectory(Directory.CreateDirectory(Path.Combine(_folder, "older")).FullName);
        await OlderSchema.CreateAsync(fixture.Options.Database, older, OlderSchema.Migrations(DatabaseProvider.Sqlite)[^1]);
        var backup = SqliteBackup.Backup(older, Path.Combine(_folder, "older.db"), overwrite: false);
        Assert.True(backup.IsSuccess, backup.Refusal?.ToString());

        var data = Path.Combine(_folder, "restored here, it's $HOME `id` & (more)");
        var restored = SqliteBackup.Restore(backup.Value.Path, DatabaseSettings.ForDataDirectory(data), replace: false);
        Assert.True(restored.IsSuccess, restored.Refusal?.ToString());
        var command = Assert.Single(restored.Value.NextSteps(data).Split('\n'), l => l.TrimStart().StartsWith("pk db migrate", StringComparison.Ordinal)).Trim();

        // As a POSIX shell reads the line the operator copies: four words, the last the whole path.
        var shell = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        shell.ArgumentList.Add("-c");
        shell.ArgumentList.Add($"printf '%s\\n' {command["pk ".Length..]}");
        using var process = Process.Start(shell)!;
        var words = (await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["db", "migrate", "--data", data], words);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private string OpenFolder(string name)
    {
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return path;
    }

    private ServerOptions Options(string data, bool migrate) =>
        fixture.Options with { DataDirectory = data, Migrate = migrate, SecretsDirectory = Path.Combine(fixture.DataDirectory, "secrets") };

    private Task<ExtraNode> StartAsync(string data, bool migrate) => ExtraNode.StartAsync(Options(data, migrate));

    /// <summary>A connection that has written to the database and stays open: its -wal and -shm exist while it does.</summary>
    private static SqliteConnection Write(string database)
    {
        var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version = 7";
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>The file a restore writes before it renames it over the database (productkeys.db.restoring).</summary>
    private static string Restoring(string database) => database + ".restoring";

    private static UnixFileMode[] Modes(string database, params string[] suffixes) => [.. suffixes.Select(s => File.GetUnixFileMode(database + s))];

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
