using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using ProductKeys.Data;

namespace ProductKeys.Service.Tests.Backup;

/// <summary>
/// A database as an older release left it: migrated only up to <c>migration</c>, then filled with a
/// deployment's rows in the columns that schema has (as that release would have written them).
/// Columns and tables added since are what the upgrade must bring.
/// </summary>
internal static class OlderSchema
{
    /// <summary>Every migration of the provider but the newest: each is a schema some earlier version ran on.</summary>
    public static IReadOnlyList<string> Migrations(DatabaseProvider provider)
    {
        var settings = provider == DatabaseProvider.Sqlite ? new DatabaseSettings(provider, "Data Source=:memory:") : DatabaseSettings.ForPostgres("Host=localhost;Database=unused");
        using var db = LicensingDatabase.Create(settings);
        return [.. db.Database.GetMigrations().SkipLast(1)];
    }

    /// <summary>Migrates <paramref name="target"/> (empty) up to <paramref name="migration"/> and copies <paramref name="source"/>'s rows into it; returns the old schema's columns.</summary>
    public static async Task<Dictionary<string, List<string>>> CreateAsync(DatabaseSettings source, DatabaseSettings target, string migration)
    {
        await using (var db = LicensingDatabase.Create(target))
        {
            await db.GetService<IMigrator>().MigrateAsync(migration);
        }

        var columns = await DatabaseDump.ColumnsAsync(target);
        if (target.Provider == DatabaseProvider.Sqlite)
        {
            CopySqlite(source, target, columns);
        }
        else
        {
            await CopyPostgresAsync(source, target, columns);
        }

        return columns;
    }

    private static void CopySqlite(DatabaseSettings source, DatabaseSettings target, Dictionary<string, List<string>> columns)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(target.ConnectionString) { Pooling = false }.ToString());
        connection.Open();
        Run(connection, "PRAGMA foreign_keys = OFF");
        using (var attach = connection.CreateCommand())
        {
            attach.CommandText = "ATTACH DATABASE @path AS source";
            attach.Parameters.AddWithValue("@path", new SqliteConnectionStringBuilder(source.ConnectionString).DataSource);
            attach.ExecuteNonQuery();
        }

        foreach (var (table, names) in columns)
        {
            var list = string.Join(", ", names.Select(n => $"\"{n}\""));
            Run(connection, $"DELETE FROM main.\"{table}\"");
            Run(connection, $"INSERT INTO main.\"{table}\" ({list}) SELECT {list} FROM source.\"{table}\"");
        }
    }

    private static async Task CopyPostgresAsync(DatabaseSettings source, DatabaseSettings target, Dictionary<string, List<string>> columns)
    {
        await using var from = new NpgsqlConnection(source.ConnectionString);
        await using var to = new NpgsqlConnection(target.ConnectionString);
        await from.OpenAsync();
        await to.OpenAsync();
        // Rows arrive table by table, not in foreign-key order: the test server's superuser defers the checks.
        await using (var replica = new NpgsqlCommand("SET session_replication_role = replica", to))
        {
            await replica.ExecuteNonQueryAsync();
        }

        foreach (var (table, names) in columns)
        {
            var list = string.Join(", ", names.Select(n => $"\"{n}\""));
            await using (var clear = new NpgsqlCommand($"DELETE FROM \"{table}\"", to))
            {
                await clear.ExecuteNonQueryAsync();
            }

            await using var reader = await from.BeginRawBinaryCopyAsync($"COPY (SELECT {list} FROM \"{table}\") TO STDOUT (FORMAT BINARY)");
            await using var writer = await to.BeginRawBinaryCopyAsync($"COPY \"{table}\" ({list}) FROM STDIN (FORMAT BINARY)");
            await reader.CopyToAsync(writer);
        }
    }

    private static void Run(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
