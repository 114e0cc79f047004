using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Errors;
using ProductKeys.Data.Audit;
using ProductKeys.Data.Sqlite;

namespace ProductKeys.Data.Backup;

/// <summary>
/// Reads a SQLite file as a licensing service database: is it SQLite at all, undamaged, a ProductKeys
/// database, of a schema this version knows? Refuses with BACKUP_INVALID or BACKUP_NEWER_SCHEMA.
/// </summary>
public static class SqliteBackupFile
{
    private const string MigrationsTable = "__EFMigrationsHistory";

    // Every SQLite database file begins with these 16 bytes.
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    /// <summary>Checks <paramref name="path"/> and summarizes what it holds.</summary>
    public static Outcome<BackupSummary> Inspect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return new Refusal(ErrorCatalogue.BackupInvalid, $"{path} does not exist.");
        }

        if (!StartsWithSqliteHeader(path))
        {
            return new Refusal(ErrorCatalogue.BackupInvalid, $"{path} is not a SQLite database.");
        }

        try
        {
            using var connection = Open(path, SqliteOpenMode.ReadOnly);
            return Summarize(connection, path);
        }
        catch (SqliteException e)
        {
            return new Refusal(ErrorCatalogue.BackupInvalid, $"{path} cannot be read as a SQLite database: {e.Message}");
        }
    }

    /// <summary>Whether the file holds any table: a database a restore would replace.</summary>
    public static bool HoldsData(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return false;
        }

        using var connection = Open(path, SqliteOpenMode.ReadOnly);
        return Scalar<long>(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'") > 0;
    }

    internal static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        // Unpooled: the file is let go as soon as the work is done (a backup is renamed, a folder deleted).
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }

    internal static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Outcome<BackupSummary> Summarize(SqliteConnection connection, string path)
    {
        var check = Scalar<string>(connection, "PRAGMA quick_check");
        if (check != "ok")
        {
            return new Refusal(ErrorCatalogue.BackupInvalid, $"{path} is damaged: {check}");
        }

        var tables = Strings(connection, "SELECT name FROM sqlite_master WHERE type = 'table'").ToHashSet(StringComparer.Ordinal);
        var (known, model) = Schema();
        if (!tables.Contains(MigrationsTable) || !tables.Contains(nameof(LicensingDbContext.AuditHeads)))
        {
            return new Refusal(ErrorCatalogue.BackupInvalid, $"{path} is a SQLite database but not one of the licensing service (it has no {MigrationsTable} and AuditHeads tables).");
        }

        var applied = Strings(connection, $"SELECT MigrationId FROM \"{MigrationsTable}\" ORDER BY MigrationId");
        var unknown = applied.Except(known, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            return new Refusal(ErrorCatalogue.BackupNewerSchema,
                $"{path} has migration(s) {string.Join(", ", unknown)} that this pk does not know (its newest is {known[^1]}): restore it with the version that wrote it, or a later one.");
        }

        if (applied.Count == 0)
        {
            return new Refusal(ErrorCatalogue.BackupInvalid, $"{path} has no migration applied: it holds no licensing service data.");
        }

        var rows = model.Where(tables.Contains).Order(StringComparer.Ordinal)
            .ToDictionary(t => t, t => Scalar<long>(connection, $"SELECT COUNT(*) FROM \"{t}\""), StringComparer.Ordinal);
        using var head = connection.CreateCommand();
        head.CommandText = $"SELECT LastSequence, LastHash FROM AuditHeads WHERE Id = {AuditHead.SingletonId}";
        using var reader = head.ExecuteReader();
        var (sequence, hash) = reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : (0L, LicensingDbContext.GenesisHash);
        return new BackupSummary(Path.GetFullPath(path), new FileInfo(path).Length, applied[^1], known.Except(applied, StringComparer.Ordinal).ToList(), rows, sequence, hash);
    }

    /// <summary>This version's migrations, oldest first, and the tables of its model.</summary>
    private static (List<string> Migrations, List<string> Tables) Schema()
    {
        using var db = new SqliteLicensingDbContext(new DbContextOptionsBuilder<SqliteLicensingDbContext>().UseSqlite("Data Source=:memory:").Options);
        return ([.. db.Database.GetMigrations()],
            [.. db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct(StringComparer.Ordinal)]);
    }

    private static List<string> Strings(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static bool StartsWithSqliteHeader(string path)
    {
        Span<byte> start = stackalloc byte[16];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length && start.SequenceEqual(SqliteHeader);
    }
}
