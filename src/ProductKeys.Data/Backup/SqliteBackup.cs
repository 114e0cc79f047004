using Microsoft.Data.Sqlite;
using ProductKeys.Core.Errors;

namespace ProductKeys.Data.Backup;

/// <summary>
/// <c>pk db backup</c> and <c>pk db restore</c> on SQLite, through SQLite's online backup API: a backup
/// is a consistent copy taken while nodes keep serving (in WAL mode readers and the writer do not wait
/// for each other); a restore replaces the database in one transaction. PostgreSQL uses pg_dump and
/// pg_restore (docs/operations.md).
/// </summary>
public static class SqliteBackup
{
    /// <summary>Copies the database in <paramref name="source"/> to <paramref name="outFile"/>, a standalone SQLite file.</summary>
    /// <param name="source">The service's SQLite database (the data folder's).</param>
    /// <param name="outFile">Where to write; refused when it exists unless <paramref name="overwrite"/>.</param>
    /// <param name="overwrite">Replace an existing <paramref name="outFile"/>.</param>
    public static Outcome<BackupSummary> Backup(DatabaseSettings source, string outFile, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(outFile);
        var sourcePath = SqlitePath(source);
        if (!File.Exists(sourcePath))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"There is no database at {sourcePath}: check --data.");
        }

        if (File.Exists(outFile) && !overwrite)
        {
            return new Refusal(ErrorCatalogue.Conflict, $"{outFile} exists: choose another --out, or give --force to replace it.");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(outFile))!;
        Directory.CreateDirectory(directory);
        // Written beside the target, then renamed: a backup cut short never looks like a finished one.
        var partial = Path.Combine(directory, $".{Path.GetFileName(outFile)}.{Guid.NewGuid():N}.partial");
        try
        {
            using (var from = SqliteBackupFile.Open(sourcePath, SqliteOpenMode.ReadWrite))
            using (var to = SqliteBackupFile.Open(partial, SqliteOpenMode.ReadWriteCreate))
            {
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
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Replaces the database in <paramref name="target"/> with the backup in <paramref name="backupFile"/>.</summary>
    /// <param name="backupFile">A file written by <see cref="Backup"/> (or any copy of a service database).</param>
    /// <param name="target">The service's SQLite database to write (the data folder's).</param>
    /// <param name="replace">Replace a database that holds data; refused (DATABASE_NOT_EMPTY) otherwise.</param>
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
        if (Path.GetFullPath(targetPath) == backup.Value.Path)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"{backupFile} is the database itself: restore a copy of it.");
        }

        if (!replace && SqliteBackupFile.HoldsData(targetPath))
        {
            return new Refusal(ErrorCatalogue.DatabaseNotEmpty,
                $"{targetPath} already holds data: stop every node on it and give --force to replace it, or restore into a new --data folder.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(targetPath))!);
        try
        {
            using var from = SqliteBackupFile.Open(backupFile, SqliteOpenMode.ReadOnly);
            using var to = SqliteBackupFile.Open(targetPath, SqliteOpenMode.ReadWriteCreate);
            // All pages in one step, in one transaction of the target: whole or not at all.
            from.BackupDatabase(to);
            // As 'pk db migrate' leaves it (LicensingDatabase.MigrateAsync).
            SqliteBackupFile.Scalar<string>(to, "PRAGMA journal_mode=WAL");
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            return new Refusal(ErrorCatalogue.Conflict, $"{targetPath} is in use: stop every node on it, then restore. ({e.Message})");
        }

        return SqliteBackupFile.Inspect(targetPath);
    }

    private static string SqlitePath(DatabaseSettings settings) => settings.Provider == DatabaseProvider.Sqlite
        ? new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource
        : throw new ArgumentException("pk db backup and restore work on SQLite; use pg_dump and pg_restore for PostgreSQL.", nameof(settings));
}
