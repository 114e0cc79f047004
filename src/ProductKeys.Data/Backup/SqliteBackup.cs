using Microsoft.Data.Sqlite;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Data.Sqlite;

namespace ProductKeys.Data.Backup;

/// <summary>
/// <c>pk db backup</c> and <c>pk db restore</c> on SQLite, through SQLite's online backup API: a backup
/// is a consistent copy taken while nodes keep serving (in WAL mode readers and the writer do not wait
/// for each other); a restore writes the backup into a file beside the database and renames it over it once whole, with no node running on it
/// (<see cref="SqliteServingLock"/>). PostgreSQL uses pg_dump and pg_restore (docs/operations.md).
/// </summary>
public static class SqliteBackup
{
    // SQLite's error for a file that is not a database (SQLITE_NOTADB).
    private const int NotADatabase = 26;

    /// <summary>Copies the database in <paramref name="source"/> to <paramref name="outFile"/>, a standalone SQLite file.</summary>
    /// <param name="source">The service's SQLite database (the data folder's).</param>
    /// <param name="outFile">Where to write; refused when it exists unless <paramref name="overwrite"/>, and then only over an earlier backup.</param>
    /// <param name="overwrite">Replace an existing <paramref name="outFile"/>.</param>
    public static Outcome<BackupSummary> Backup(DatabaseSettings source, string outFile, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(outFile);
        var sourcePath = SqlitePath(source);
        // A folder others may write into may hold a database they planted or swapped: no node serves it, and no backup spreads it.
        if (DataFolder.RefuseShared(Path.GetDirectoryName(Path.GetFullPath(sourcePath))!) is { } shared)
        {
            return shared;
        }

        if (!File.Exists(sourcePath))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"There is no database at {sourcePath}: check --data.");
        }

        if (RefuseOut(sourcePath, outFile, overwrite) is { } refused)
        {
            return refused;
        }

        string? partial = null;
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(outFile))!;
            // Written beside the target, then renamed: a backup cut short never looks like a finished one.
            partial = Path.Combine(directory, $".{Path.GetFileName(outFile)}.{Guid.NewGuid():N}.partial");
            using (var from = OpenSource(sourcePath, out var unreadable))
            {
                if (from is null)
                {
                    return unreadable!;
                }

                // The backup holds what the database holds (users, sessions, the audit log): its owner's only, wherever it is written.
                OutputFile.CreateOwnerOnly(partial).Dispose();
                using var to = SqliteBackupFile.Open(partial, SqliteOpenMode.ReadWriteCreate);
                from.BackupDatabase(to);
                // One self-contained file: no -wal beside it to copy or lose.
                SqliteBackupFile.Scalar<string>(to, "PRAGMA journal_mode=DELETE");
            }

            var summary = SqliteBackupFile.Inspect(partial);
            if (!summary.IsSuccess)
            {
                return summary;
            }

            File.Move(partial, outFile, overwrite);
            return summary.Value with { Path = Path.GetFullPath(outFile) };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"The backup cannot be written to {outFile}: {e.Message}");
        }
        finally
        {
            if (partial is not null)
            {
                File.Delete(partial);
            }
        }
    }

    /// <summary>Replaces the database in <paramref name="target"/> with the backup in <paramref name="backupFile"/>.</summary>
    /// <param name="backupFile">A file written by <see cref="Backup"/> (or any copy of a service database).</param>
    /// <param name="target">The service's SQLite database to write (the data folder's).</param>
    /// <param name="replace">
    /// Replace a database that holds data (or one that cannot be read, which is moved aside first); refused
    /// (DATABASE_NOT_EMPTY) otherwise.
    /// </param>
    public static Outcome<BackupSummary> Restore(string backupFile, DatabaseSettings target, bool replace)
    {
        ArgumentNullException.ThrowIfNull(backupFile);
        ArgumentNullException.ThrowIfNull(target);
        var backup = SqliteBackupFile.Inspect(backupFile);
        if (!backup.IsSuccess)
        {
            return backup;
        }

        var targetPath = SqlitePath(target);
        if (CanonicalPath.Of(targetPath) == CanonicalPath.Of(backupFile))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"{backupFile} is the database itself: restore a copy of it.");
        }

        if (DataFolder.RefuseShared(Path.GetDirectoryName(Path.GetFullPath(targetPath))!) is { } shared)
        {
            return shared;
        }

        try
        {
            using var hold = SqliteServingLock.TryRestore(targetPath);
            if (hold is null)
            {
                return new Refusal(ErrorCatalogue.Conflict,
                    $"A pk server (or another restore, or pk db migrate) is using {targetPath} (it holds {SqliteServingLock.PathFor(targetPath)}): stop every node on it, then restore.");
            }

            if (ReadTarget(targetPath) is { } unreadable)
            {
                if (!replace)
                {
                    return new Refusal(ErrorCatalogue.DatabaseNotEmpty,
                        $"{targetPath} is not a database this pk can read ({unreadable}): give --force to replace it (it is kept beside, renamed), or restore into a new --data folder.");
                }

                MoveAside(targetPath);
            }
            else if (!replace && SqliteBackupFile.HoldsData(targetPath))
            {
                return new Refusal(ErrorCatalogue.DatabaseNotEmpty,
                    $"{targetPath} already holds data: stop every node on it and give --force to replace it, or restore into a new --data folder.");
            }
            else if (OpenElsewhere(targetPath) is { } busy)
            {
                return busy;
            }

            // Written to a file of its own, renamed over the database at the end: a restore cut short leaves that file, for which
            // nodes and pk db migrate refuse the folder, rather than an empty database they would migrate and serve.
            var restoring = SqliteRestoreMarker.PathFor(targetPath);
            DeleteWithSideFiles(restoring); // a restore cut short before: started again
            SqliteDatabaseFile.Create(restoring);
            using (var from = SqliteBackupFile.Open(backupFile, SqliteOpenMode.ReadOnly))
            using (var to = SqliteBackupFile.Open(restoring, SqliteOpenMode.ReadWrite))
            {
                from.BackupDatabase(to);
                // As 'pk db migrate' leaves it (LicensingDatabase.MigrateAsync).
                SqliteBackupFile.Scalar<string>(to, "PRAGMA journal_mode=WAL");
            }

            var restored = SqliteBackupFile.Inspect(restoring);
            if (!restored.IsSuccess)
            {
                DeleteWithSideFiles(restoring);
                return restored;
            }

            // The replaced database's WAL and shared memory go first: SQLite would play another database's WAL into the restored file.
            foreach (var suffix in SqliteDatabaseFile.SideFileSuffixes)
            {
                File.Delete(targetPath + suffix);
            }

            File.Move(restoring, targetPath, overwrite: true);
            DeleteWithSideFiles(restoring);
            return restored.Value with { Path = Path.GetFullPath(targetPath) };
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            return new Refusal(ErrorCatalogue.Conflict,
                $"{targetPath} is in use (by a node, or the backup is the same file under another name): stop every node on it, or restore another file. ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"The backup cannot be restored into {targetPath}: {e.Message}");
        }
    }

    /// <summary>Why <paramref name="outFile"/> must not be written, if it must not.</summary>
    private static Refusal? RefuseOut(string sourcePath, string outFile, bool overwrite)
    {
        if (outFile.Length == 0 || Directory.Exists(outFile))
        {
            return OutputFile.Check(outFile, "--out");
        }

        // The database's own files: renaming a backup over one of them would swap it under the running nodes.
        var database = CanonicalPath.Of(sourcePath);
        var own = new[] { database, database + "-wal", database + "-shm", database + "-journal", CanonicalPath.Of(SqliteServingLock.PathFor(sourcePath)) };
        if (own.Contains(CanonicalPath.Of(outFile), StringComparer.Ordinal))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"{outFile} is a file of the database itself: write the backup somewhere else.");
        }

        // A mistyped folder must not quietly become a new folder that no backup job looks in.
        if (OutputFile.Check(outFile, "--out") is { } unwritable)
        {
            return unwritable;
        }

        if (File.Exists(outFile))
        {
            if (!overwrite)
            {
                return new Refusal(ErrorCatalogue.Conflict, $"{outFile} exists: choose another --out, or give --force to replace it.");
            }

            // --force replaces an earlier backup, never another kind of file (a device, a document, a program),
            // nor a live database: backups are in rollback-journal mode, a service database in WAL mode.
            // A named pipe is not opened at all: reading its header waited for a writer without end.
            if (SqliteBackupFile.NotRegular(outFile) is not null || !SqliteBackupFile.StartsWithSqliteHeader(outFile))
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, $"{outFile} exists and is not a SQLite file: --force replaces only an earlier backup; choose another --out.");
            }

            if (SqliteBackupFile.IsInWalMode(outFile) || File.Exists(outFile + "-wal") || File.Exists(outFile + "-shm"))
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, $"{outFile} is a live database (WAL mode), not a backup: --force replaces only an earlier backup; choose another --out.");
            }
        }

        return null;
    }

    /// <summary>
    /// Whether another connection has the database open: a node of a version before <c>productkeys.lock</c>, or
    /// one whose lock file was deleted. Leaving WAL mode needs the database to itself, so SQLite refuses it while
    /// any other connection, in any process, has the file open; when it works, WAL mode is set back at once.
    /// </summary>
    private static Refusal? OpenElsewhere(string path)
    {
        if (!File.Exists(path) || !SqliteBackupFile.IsInWalMode(path))
        {
            return null;
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 1 }.ToString());
        connection.Open();
        try
        {
            SqliteBackupFile.Scalar<string>(connection, "PRAGMA journal_mode=DELETE");
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            return new Refusal(ErrorCatalogue.Conflict,
                $"{path} is open in another process (a pk server of an earlier version, or one whose {SqliteServingLock.FileName} was deleted): stop every node on it, then restore.");
        }

        SqliteBackupFile.Scalar<string>(connection, "PRAGMA journal_mode=WAL");
        return null;
    }

    /// <summary>The data folder's database, opened to be copied; or the refusal when it is not one.</summary>
    private static SqliteConnection? OpenSource(string sourcePath, out Refusal? refusal)
    {
        refusal = null;
        try
        {
            var connection = SqliteBackupFile.Open(sourcePath, SqliteOpenMode.ReadWrite);
            SqliteBackupFile.Scalar<long>(connection, "SELECT COUNT(*) FROM sqlite_master");
            return connection;
        }
        catch (SqliteException e)
        {
            refusal = new Refusal(ErrorCatalogue.StoreInvalid,
                $"{sourcePath} cannot be read as a database ({e.Message}): restore it from an earlier backup ('pk db restore --force').");
            return null;
        }
    }

    /// <summary>Why the database at <paramref name="path"/> cannot be read; <c>null</c> when it can or is not there.</summary>
    private static string? ReadTarget(string path)
    {
        if (File.Exists(path) && File.Exists(path + "-journal"))
        {
            // A write cut short (a restore killed mid-way) leaves a hot journal, which only a read-write connection may
            // play back: read-only, SQLite refuses the file, and the half-written pages looked like a damaged database.
            // This restore holds the database alone, so it undoes the write first, as any next open would.
            try
            {
                using var connection = SqliteBackupFile.Open(path, SqliteOpenMode.ReadWrite);
                SqliteBackupFile.Scalar<long>(connection, "SELECT COUNT(*) FROM sqlite_master");
            }
            catch (SqliteException e) when (e.SqliteErrorCode is NotADatabase or 11) // SQLITE_CORRUPT
            {
                return e.Message;
            }
        }

        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return null;
        }

        if (!SqliteBackupFile.StartsWithSqliteHeader(path))
        {
            return "not a SQLite file";
        }

        try
        {
            SqliteBackupFile.HoldsData(path);
            return null;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is NotADatabase or 11) // SQLITE_CORRUPT
        {
            return e.Message;
        }
    }

    private static void DeleteWithSideFiles(string path)
    {
        foreach (var suffix in SqliteDatabaseFile.SideFileSuffixes.Prepend(""))
        {
            File.Delete(path + suffix);
        }
    }

    /// <summary>Keeps an unreadable database (and its WAL) beside, under a name that says when it was set aside.</summary>
    private static void MoveAside(string path)
    {
        var stamp = TimeProvider.System.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            if (File.Exists(path + suffix))
            {
                File.Move(path + suffix, $"{path}.unreadable-{stamp}{suffix}");
            }
        }
    }

    private static string SqlitePath(DatabaseSettings settings) => settings.Provider == DatabaseProvider.Sqlite
        ? new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource
        : throw new ArgumentException("pk db backup and restore work on SQLite; use pg_dump and pg_restore for PostgreSQL.", nameof(settings));
}
