using Microsoft.Data.Sqlite;
using ProductKeys.Data;
using ProductKeys.Data.Backup;
using ProductKeys.Data.Sqlite;
using ProductKeys.Service.Hosting;
using ProductKeys.Service.Tests.Activations;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Backup;

/// <summary>
/// pk db backup and restore on SQLite: a backup taken while the node serves activations, restored into a
/// new data folder, serves every key, count and audit entry of the original, and its audit chain verifies.
/// </summary>
public sealed class SqliteBackupTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-backup-").FullName;

    [Fact]
    public async Task A_backup_taken_while_activations_are_written_restores_into_a_node_that_holds_everything()
    {
        var filled = await DeploymentData.FillAsync(fixture);
        var (_, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 100);

        // Online: activations go on while the backup is taken; none fails, and the copy is consistent.
        var busy = Enumerable.Range(0, 40).Select(i => ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device($"online-{i}", TestWorld.Desktop))).ToList();
        var online = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "online.db"), overwrite: false);
        foreach (var answer in await Task.WhenAll(busy))
        {
            await Problems.OkJsonAsync(answer);
        }

        Assert.True(online.IsSuccess, online.Refusal?.ToString());
        Assert.True(SqliteBackup.Restore(online.Value.Path, DatabaseSettings.ForDataDirectory(Path.Combine(_folder, "online")), replace: false).IsSuccess);
        await using (var node = await StartRestoredAsync(Path.Combine(_folder, "online")))
        {
            var audit = await Problems.OkJsonAsync(await SendAsync(node, TestWorld.Publisher, "/api/v1/audit/verify"));
            Assert.True(audit.GetProperty("valid").GetBoolean(), audit.GetRawText());
        }

        // Exact: with the node quiet, the restored database equals the original row for row.
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "quiet.db"), overwrite: false);
        Assert.True(backup.IsSuccess, backup.Refusal?.ToString());
        var restoredFolder = Path.Combine(_folder, "restored");
        var restored = SqliteBackup.Restore(backup.Value.Path, DatabaseSettings.ForDataDirectory(restoredFolder), replace: false);
        Assert.True(restored.IsSuccess, restored.Refusal?.ToString());
        Assert.Equal(backup.Value.Rows, restored.Value.Rows);
        Assert.Equal((backup.Value.AuditSequence, backup.Value.AuditHash), (restored.Value.AuditSequence, restored.Value.AuditHash));
        Assert.Empty(restored.Value.PendingMigrations);

        var columns = await DatabaseDump.ColumnsAsync(fixture.Options.Database);
        DatabaseDump.AssertEqual(await DatabaseDump.ReadAsync(fixture.Options.Database, columns),
            await DatabaseDump.ReadAsync(DatabaseSettings.ForDataDirectory(restoredFolder), columns));
        await using var restoredNode = await StartRestoredAsync(restoredFolder);
        await DeploymentData.AssertServesTheSameAsync(fixture, restoredNode.Client, filled);
    }

    [Fact]
    public void A_restore_over_a_database_that_holds_data_is_refused_without_force_and_changes_nothing()
    {
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "b.db"), overwrite: false);
        var target = DatabaseSettings.ForDataDirectory(Path.Combine(_folder, "target"));
        Assert.True(SqliteBackup.Restore(backup.Value.Path, target, replace: false).IsSuccess);
        Execute(Path.Combine(_folder, "target", DatabaseSettings.SqliteFileName), "DELETE FROM \"Keys\" WHERE rowid IN (SELECT rowid FROM \"Keys\" LIMIT 1)");
        var before = SqliteBackupFile.Inspect(Path.Combine(_folder, "target", DatabaseSettings.SqliteFileName)).Value.Rows;

        var refused = SqliteBackup.Restore(backup.Value.Path, target, replace: false);
        Assert.Equal("DATABASE_NOT_EMPTY", refused.Refusal?.Code);
        Assert.Equal(before, SqliteBackupFile.Inspect(Path.Combine(_folder, "target", DatabaseSettings.SqliteFileName)).Value.Rows);

        var forced = SqliteBackup.Restore(backup.Value.Path, target, replace: true);
        Assert.True(forced.IsSuccess, forced.Refusal?.ToString());
        Assert.Equal(backup.Value.Rows, forced.Value.Rows);

        Assert.Equal("CONFLICT", SqliteBackup.Backup(fixture.Options.Database, backup.Value.Path, overwrite: false).Refusal?.Code);
        Assert.True(SqliteBackup.Backup(fixture.Options.Database, backup.Value.Path, overwrite: true).IsSuccess);
        Assert.Equal(["b.db", "target"], Directory.EnumerateFileSystemEntries(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Files_that_are_not_a_backup_of_this_version_are_refused_with_their_code()
    {
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "good.db"), overwrite: false).Value;

        var text = Path.Combine(_folder, "notes.txt");
        File.WriteAllText(text, "not a database, although longer than sixteen bytes");
        AssertRefused("BACKUP_INVALID", "not a SQLite database", text);

        var other = Path.Combine(_folder, "other.db");
        Execute(other, "CREATE TABLE songs (title TEXT)");
        AssertRefused("BACKUP_INVALID", "not one of the licensing service", other);

        var newer = Path.Combine(_folder, "newer.db");
        File.Copy(backup.Path, newer);
        Execute(newer, "INSERT INTO \"__EFMigrationsHistory\" VALUES ('29991231235959_FromTheFuture', '99.0.0')");
        AssertRefused("BACKUP_NEWER_SCHEMA", "29991231235959_FromTheFuture", newer);

        var truncated = Path.Combine(_folder, "truncated.db");
        var bytes = File.ReadAllBytes(backup.Path);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        AssertRefused("BACKUP_INVALID", "truncated.db", truncated);

        foreach (var (name, change, detail) in new[]
        {
            ("no-keys.db", "DROP TABLE \"Keys\"", "lacks part of the schema"),
            ("no-column.db", "ALTER TABLE \"MakActivations\" DROP COLUMN \"LastActivatedAt\"", "column MakActivations.LastActivatedAt"),
            ("no-unique.db", $"DROP INDEX \"{UniqueIndexOf(backup.Path, "MakActivations")}\"", "unique on MakActivations"),
            ("head-text.db", "UPDATE \"AuditHeads\" SET \"LastSequence\" = 'abc'", "audit head does not name the last entry"),
            ("head-behind.db", "UPDATE \"AuditHeads\" SET \"LastSequence\" = \"LastSequence\" - 1", "audit head does not name the last entry"),
            ("head-hash.db", "UPDATE \"AuditHeads\" SET \"LastHash\" = 'ff' || substr(\"LastHash\", 3)", "audit head does not name the last entry"),
            ("chain-cut.db", "DELETE FROM \"AuditEntries\" WHERE \"Sequence\" = (SELECT MAX(\"Sequence\") FROM \"AuditEntries\")", "audit head does not name the last entry"),
        })
        {
            var changed = Path.Combine(_folder, name);
            File.Copy(backup.Path, changed);
            Execute(changed, change);
            AssertRefused("BACKUP_INVALID", detail, changed);
        }

        AssertRefused("BACKUP_INVALID", "is a folder", _folder);
        AssertRefused("BACKUP_INVALID", "does not exist", Path.Combine(_folder, "missing.db"));
        Assert.False(File.Exists(Path.Combine(_folder, "target", DatabaseSettings.SqliteFileName)));
    }

    [Fact]
    public async Task A_backup_is_never_written_over_the_database_its_files_or_anything_but_an_earlier_backup()
    {
        var database = new SqliteConnectionStringBuilder(fixture.Options.Database.ConnectionString).DataSource;
        var link = Path.Combine(_folder, "link");
        Directory.CreateSymbolicLink(link, Path.GetDirectoryName(Path.GetFullPath(database))!);
        var document = Path.Combine(_folder, "notes.txt");
        File.WriteAllText(document, "the operator's own notes");
        Directory.CreateDirectory(Path.Combine(_folder, "folder.db"));

        foreach (var (outFile, detail) in new[]
        {
            (database, "a file of the database itself"),
            (Path.Combine(link, DatabaseSettings.SqliteFileName), "a file of the database itself"),
            (Path.Combine(link, "..", Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(database)))!, DatabaseSettings.SqliteFileName), "a file of the database itself"),
            (database + "-wal", "a file of the database itself"),
            (Path.Combine(link, "productkeys.lock"), "a file of the database itself"),
            (document, "is not a SQLite file"),
            (Path.Combine(_folder, "folder.db"), "is a folder"),
            ("", "--out is empty"),
            (Path.Combine(document, "under-a-file.db"), "does not exist"),
            (Path.Combine(_folder, "no-such-folder", "b.db"), "does not exist"),
            (LiveDatabaseElsewhere(), "is a live database (WAL mode)"),
        })
        {
            var refused = SqliteBackup.Backup(fixture.Options.Database, outFile, overwrite: true);
            Assert.Equal("VALIDATION_FAILED", refused.Refusal?.Code);
            Assert.Contains(detail, refused.Refusal!.Detail, StringComparison.Ordinal);
        }

        // Had a rename swapped the file at the path, the node would go on writing to the old one, unseen there.
        var organization = $"made-after-the-attempts-{Guid.NewGuid():N}";
        (await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/organizations", new { name = organization })).EnsureSuccessStatusCode();
        Assert.Equal(1, CountOrganizationsNamed(database, organization));
        Assert.Equal("the operator's own notes", File.ReadAllText(document));
        Assert.False(Directory.Exists(Path.Combine(_folder, "no-such-folder")));
    }

    [Fact]
    public async Task A_restore_into_the_database_of_a_running_node_is_refused_and_changes_nothing()
    {
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "b.db"), overwrite: false).Value;
        var database = new SqliteConnectionStringBuilder(fixture.Options.Database.ConnectionString).DataSource;
        var copyOfItself = Path.Combine(_folder, "same.db");
        File.CreateSymbolicLink(copyOfItself, Path.GetFullPath(database));

        // Made after the backup: a restore that went ahead would take it away.
        var organization = $"made-after-the-backup-{Guid.NewGuid():N}";
        (await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/organizations", new { name = organization })).EnsureSuccessStatusCode();

        var refused = SqliteBackup.Restore(backup.Path, fixture.Options.Database, replace: true);
        Assert.Equal("CONFLICT", refused.Refusal?.Code);
        Assert.Contains(SqliteServingLock.FileName, refused.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Equal("VALIDATION_FAILED", SqliteBackup.Restore(copyOfItself, fixture.Options.Database, replace: true).Refusal?.Code);
        Assert.Equal(1, CountOrganizationsNamed(database, organization));
    }

    [Fact]
    public async Task A_node_does_not_start_on_a_database_being_restored_and_an_unreadable_database_is_set_aside_only_with_force()
    {
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "b.db"), overwrite: false).Value;
        var data = Path.Combine(_folder, "restoring");
        var target = DatabaseSettings.ForDataDirectory(data);
        Assert.True(SqliteBackup.Restore(backup.Path, target, replace: false).IsSuccess);
        using (var restoring = SqliteServingLock.TryRestore(Path.Combine(data, DatabaseSettings.SqliteFileName)))
        {
            Assert.NotNull(restoring);
            var refused = await Assert.ThrowsAsync<StartRefusedException>(() => StartRestoredAsync(data));
            Assert.Contains("pk db restore is writing", refused.Message, StringComparison.Ordinal);
        }

        await using (await StartRestoredAsync(data))
        {
        }

        var file = Path.Combine(data, DatabaseSettings.SqliteFileName);
        SqliteConnection.ClearAllPools();
        File.WriteAllText(file, "overwritten by mistake");
        var refusedWithoutForce = SqliteBackup.Restore(backup.Path, target, replace: false);
        Assert.Equal("DATABASE_NOT_EMPTY", refusedWithoutForce.Refusal?.Code);
        Assert.Equal("overwritten by mistake", File.ReadAllText(file));

        var forced = SqliteBackup.Restore(backup.Path, target, replace: true);
        Assert.True(forced.IsSuccess, forced.Refusal?.ToString());
        Assert.Equal(backup.Rows, forced.Value.Rows);
        var aside = Assert.Single(Directory.GetFiles(data, DatabaseSettings.SqliteFileName + ".unreadable-*"));
        Assert.Equal("overwritten by mistake", File.ReadAllText(aside));
    }

    [Fact]
    public void A_restore_cut_short_is_rolled_back_by_the_next_restore_instead_of_refusing_it()
    {
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "b.db"), overwrite: false).Value;

        // Killed while it wrote into a new folder: the file and its hot journal, which says the database was empty.
        var fresh = Path.Combine(_folder, "fresh");
        CutShort(null, fresh);
        var restored = SqliteBackup.Restore(backup.Path, DatabaseSettings.ForDataDirectory(fresh), replace: false);
        Assert.True(restored.IsSuccess, restored.Refusal?.ToString());
        Assert.Equal(backup.Rows, restored.Value.Rows);
        Assert.False(File.Exists(Path.Combine(fresh, DatabaseSettings.SqliteFileName + "-journal")));

        // Killed while --force replaced a database: rolled back, it holds its data again, which only --force replaces.
        var held = Path.Combine(_folder, "held");
        CutShort(backup.Path, held);
        var target = DatabaseSettings.ForDataDirectory(held);
        Assert.Equal("DATABASE_NOT_EMPTY", SqliteBackup.Restore(backup.Path, target, replace: false).Refusal?.Code);
        Assert.Equal(backup.Rows, SqliteBackupFile.Inspect(Path.Combine(held, DatabaseSettings.SqliteFileName)).Value.Rows);
        var forced = SqliteBackup.Restore(backup.Path, target, replace: true);
        Assert.True(forced.IsSuccess, forced.Refusal?.ToString());
        Assert.Equal(backup.Rows, forced.Value.Rows);
    }

    [Fact]
    public async Task A_lock_file_that_cannot_be_opened_refuses_the_start_with_STORE_INVALID()
    {
        var data = Path.Combine(_folder, "odd-lock");
        Directory.CreateDirectory(Path.Combine(data, SqliteServingLock.FileName));
        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => StartRestoredAsync(data));
        Assert.Equal(Core.Errors.ErrorCatalogue.StoreInvalid, refused.Code);
        Assert.Contains(SqliteServingLock.FileName, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_restore_is_refused_while_another_connection_has_the_database_open_even_without_the_lock_file()
    {
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "b.db"), overwrite: false).Value;
        var data = Path.Combine(_folder, "old-node");
        var target = DatabaseSettings.ForDataDirectory(data);
        Assert.True(SqliteBackup.Restore(backup.Path, target, replace: false).IsSuccess);
        var file = Path.Combine(data, DatabaseSettings.SqliteFileName);

        // A node of an earlier version takes no lock file, and an operator may delete one: the open database still tells.
        using (var node = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            node.Open();
            using (var read = node.CreateCommand())
            {
                read.CommandText = "SELECT COUNT(*) FROM \"Keys\"";
                read.ExecuteScalar();
            }

            File.Delete(Path.Combine(data, SqliteServingLock.FileName));
            var refused = SqliteBackup.Restore(backup.Path, target, replace: true);
            Assert.Equal("CONFLICT", refused.Refusal?.Code);
            Assert.Contains("open in another process", refused.Refusal!.Detail, StringComparison.Ordinal);
        }

        Assert.True(SqliteBackup.Restore(backup.Path, target, replace: true).IsSuccess);
        // Left in WAL mode, as the service runs it (bytes 18 and 19 of the header).
        var header = new byte[20];
        using (var stream = File.OpenRead(file))
        {
            stream.ReadExactly(header);
        }

        Assert.Equal((2, 2), (header[18], header[19]));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private void AssertRefused(string code, string detail, string file)
    {
        var refused = SqliteBackup.Restore(file, DatabaseSettings.ForDataDirectory(Path.Combine(_folder, "target")), replace: false);
        Assert.Equal(code, refused.Refusal?.Code);
        Assert.Contains(detail, refused.Refusal!.Detail, StringComparison.Ordinal);
    }

    private async Task<ExtraNode> StartRestoredAsync(string data) =>
        await ExtraNode.StartAsync(fixture.Options with { DataDirectory = data, Migrate = false, SecretsDirectory = Path.Combine(fixture.DataDirectory, "secrets") });

    private Task<HttpResponseMessage> SendAsync(ExtraNode node, string user, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", fixture.World.Tokens[user]);
        return node.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static long CountOrganizationsNamed(string database, string name)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM \"Organizations\" WHERE \"Name\" = $name";
        command.Parameters.AddWithValue("$name", name);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The database of another data folder, in WAL mode as every service database is.</summary>
    private string LiveDatabaseElsewhere()
    {
        var backup = SqliteBackup.Backup(fixture.Options.Database, Path.Combine(_folder, "for-elsewhere.db"), overwrite: false).Value;
        var elsewhere = DatabaseSettings.ForDataDirectory(Path.Combine(_folder, "elsewhere"));
        Assert.True(SqliteBackup.Restore(backup.Path, elsewhere, replace: false).IsSuccess);
        return Path.Combine(_folder, "elsewhere", DatabaseSettings.SqliteFileName);
    }

    private static string UniqueIndexOf(string path, string table)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM pragma_index_list('{table}') WHERE \"unique\" = 1 AND origin = 'c' LIMIT 1";
        return (string)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Leaves in <paramref name="folder"/> what a restore killed mid-way leaves: the database (a copy of <paramref name="original"/>,
    /// or none) half written, beside the hot journal that undoes it. Copied while the write is open, so no process holds them.
    /// </summary>
    private void CutShort(string? original, string folder)
    {
        var writing = Path.Combine(_folder, $"writing-{Guid.NewGuid():N}.db");
        if (original is not null)
        {
            File.Copy(original, writing);
        }

        using var connection = new SqliteConnection($"Data Source={writing};Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        // A small cache spills the written pages into the file before the commit, as a large restore does.
        command.CommandText = "PRAGMA cache_size = 4; CREATE TABLE \"Half\" (v BLOB); "
            + "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO \"Half\" SELECT randomblob(1000) FROM n";
        command.ExecuteNonQuery();
        Directory.CreateDirectory(folder);
        File.Copy(writing, Path.Combine(folder, DatabaseSettings.SqliteFileName));
        File.Copy(writing + "-journal", Path.Combine(folder, DatabaseSettings.SqliteFileName + "-journal"));
        transaction.Rollback();
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
