using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Data.Postgres;
using ProductKeys.Data.Sqlite;

namespace ProductKeys.Data;

/// <summary>Creates contexts for a <see cref="DatabaseSettings"/> and runs migrations (the explicit step).</summary>
public static class LicensingDatabase
{
    public static LicensingDbContext Create(DatabaseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Provider switch
        {
            DatabaseProvider.Sqlite => new SqliteLicensingDbContext(
                new DbContextOptionsBuilder<SqliteLicensingDbContext>().UseSqlite(settings.ConnectionString).Options),
            _ => new PostgresLicensingDbContext(
                new DbContextOptionsBuilder<PostgresLicensingDbContext>().UseNpgsql(settings.ConnectionString).Options),
        };
    }

    /// <summary>Applies pending migrations; returns the names of those applied.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(DatabaseSettings settings, CancellationToken cancellationToken = default)
    {
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            // Made owner-only before SQLite makes it 0644: it holds password and token hashes (its -wal and -shm take its mode).
            SqliteDatabaseFile.Create(SqlitePath(settings));
        }

        await using var db = Create(settings);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers go on while one writer holds the lock; it is a property of the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        return pending;
    }

    /// <summary>
    /// <c>pk db migrate</c>: <see cref="MigrateAsync"/>, on SQLite only while no node or restore has the database
    /// (<see cref="SqliteServingLock"/>; CONFLICT otherwise). Holding it alone, a row in EF Core's migration lock table
    /// can only be left by a migration cut short (killed, the power lost), for which every later migration waited
    /// forever, saying nothing: it is removed first.
    /// </summary>
    public static async Task<Outcome<IReadOnlyList<string>>> MigrateAloneAsync(DatabaseSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Provider != DatabaseProvider.Sqlite)
        {
            return new(await MigrateAsync(settings, cancellationToken));
        }

        var path = SqlitePath(settings);
        if (DataFolder.RefuseShared(Path.GetDirectoryName(Path.GetFullPath(path))!) is { } shared)
        {
            return shared;
        }

        SqliteServingLock? alone;
        try
        {
            alone = SqliteServingLock.TryRestore(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid,
                $"{SqliteServingLock.PathFor(path)} cannot be opened ({e.Message}): it must be a file this user can read and write; delete it while no node or restore runs.");
        }

        using var held = alone;
        if (alone is null)
        {
            return new Refusal(ErrorCatalogue.Conflict,
                $"A pk server (or pk db restore) is using {path} (it holds {SqliteServingLock.PathFor(path)}): stop every node on it, then migrate.");
        }

        if ((SqliteRestoreMarker.Check(path) ?? OwnerOnly(settings, create: true)) is { } unusable)
        {
            return unusable;
        }

        if (MigrationLockLeft(path))
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM \"__EFMigrationsLock\"";
            command.ExecuteNonQuery();
        }

        return new(await MigrateAsync(settings, cancellationToken));
    }

    /// <summary>
    /// Whether the SQLite database at <paramref name="path"/> holds a row of EF Core's migration lock: a migration runs now,
    /// or one was cut short, and every later migration would wait for it without end.
    /// </summary>
    public static bool MigrationLockLeft(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return false;
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'";
        if ((long)command.ExecuteScalar()! == 0)
        {
            return false;
        }

        command.CommandText = "SELECT COUNT(*) FROM \"__EFMigrationsLock\"";
        return (long)command.ExecuteScalar()! > 0;
    }

    /// <summary>
    /// Makes the SQLite database of <paramref name="settings"/> and its side files owner-only (<see cref="SqliteDatabaseFile"/>),
    /// creating it empty when <paramref name="create"/>; STORE_INVALID when this user may not (the file is another user's).
    /// </summary>
    public static Refusal? OwnerOnly(DatabaseSettings settings, bool create)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Provider != DatabaseProvider.Sqlite)
        {
            return null;
        }

        var path = SqlitePath(settings);
        try
        {
            if (create)
            {
                SqliteDatabaseFile.Create(path);
            }
            else
            {
                SqliteDatabaseFile.Tighten(path);
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return OpenToOthers.Refusal(
                $"{path} (or its -wal, -shm, -journal) cannot be made readable by its owner only ({e.Message.TrimEnd('.')}): it holds password and token hashes; "
                + "make the service user its owner (chown) and run the command again as that user.");
        }
    }

    private static string SqlitePath(DatabaseSettings settings) => new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource;
}
