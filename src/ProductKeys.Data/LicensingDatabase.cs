using Microsoft.EntityFrameworkCore;
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
}
