using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
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

    private static readonly ConcurrentDictionary<string, List<string>> MigratedSchemas = new(StringComparer.Ordinal);

    /// <summary>Checks <paramref name="path"/> and summarizes what it holds.</summary>
    public static Outcome<BackupSummary> Inspect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return new Refusal(ErrorCatalogue.BackupInvalid, $"{path} is a folder: name the backup file in it.");
        }

        if (!File.Exists(path))
        {
            return new Refusal(ErrorCatalogue.BackupInvalid, $"{path} does not exist.");
        }

        if (NotRegular(path) is { } notAFile)
        {
            return notAFile;
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

        var missing = SchemaOf(applied[^1]).Except(SchemaParts(connection), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            return new Refusal(ErrorCatalogue.BackupInvalid,
                $"{path} lacks part of the schema of its migration {applied[^1]} ({string.Join("; ", missing.Take(5))}{(missing.Count > 5 ? $"; {missing.Count - 5} more" : "")}): it was changed after it was written; restore another backup.");
        }

        var rows = model.Where(tables.Contains).Order(StringComparer.Ordinal)
            .ToDictionary(t => t, t => Scalar<long>(connection, $"SELECT COUNT(*) FROM \"{t}\""), StringComparer.Ordinal);
        if (AuditHeadOf(connection, path, out var sequence, out var hash) is { } brokenHead)
        {
            return brokenHead;
        }

        return new BackupSummary(Path.GetFullPath(path), new FileInfo(path).Length, applied[^1], known.Except(applied, StringComparer.Ordinal).ToList(), rows, sequence, hash);
    }

    /// <summary>
    /// The audit head, which must name the chain's last entry: a head edited apart from the chain (or a chain cut
    /// short) is refused here, before it is restored; <c>pk audit verify</c> then checks every link.
    /// </summary>
    private static Refusal? AuditHeadOf(SqliteConnection connection, string path, out long sequence, out string hash)
    {
        (sequence, hash) = (0L, LicensingDbContext.GenesisHash);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT typeof(h.LastSequence), h.LastSequence, h.LastHash,
                   (SELECT MAX("Sequence") FROM "AuditEntries"),
                   (SELECT "Hash" FROM "AuditEntries" WHERE "Sequence" = h.LastSequence)
            FROM "AuditHeads" h WHERE h.Id = {AuditHead.SingletonId}
            """;
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return Scalar<long>(connection, "SELECT COUNT(*) FROM \"AuditEntries\"") == 0 ? null
                : new Refusal(ErrorCatalogue.BackupInvalid, $"{path} has audit entries but no audit head: it was changed after it was written; restore another backup.");
        }

        var last = reader.IsDBNull(3) ? 0 : reader.GetInt64(3);
        if (reader.GetString(0) != "integer" || reader.GetInt64(1) != last || reader.IsDBNull(2)
            || (last > 0 && (reader.IsDBNull(4) || reader.GetString(4) != reader.GetString(2))))
        {
            return new Refusal(ErrorCatalogue.BackupInvalid,
                $"{path}'s audit head does not name the last entry of its audit chain (#{last}): it was changed after it was written; restore another backup.");
        }

        (sequence, hash) = (last, reader.GetString(2));
        return null;
    }

    /// <summary>
    /// The tables' columns, the indexes and the triggers that <paramref name="migration"/> and those before it make:
    /// built once per migration in a process (a restore inspects the backup, then the restored database).
    /// </summary>
    private static List<string> SchemaOf(string migration) => MigratedSchemas.GetOrAdd(migration, MigrateInMemory);

    private static List<string> MigrateInMemory(string migration)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using (var db = new SqliteLicensingDbContext(new DbContextOptionsBuilder<SqliteLicensingDbContext>().UseSqlite(connection).Options))
        {
            db.GetService<IMigrator>().Migrate(migration);
        }

        return SchemaParts(connection);
    }

    /// <summary>One line per column, index (with its columns and whether it is unique) and trigger of the database.</summary>
    private static List<string> SchemaParts(SqliteConnection connection) => Strings(connection, """
        SELECT 'column ' || m.name || '.' || c.name FROM sqlite_master m, pragma_table_info(m.name) c
        WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
        UNION ALL
        SELECT 'index ' || l.name || (CASE l."unique" WHEN 1 THEN ' unique' ELSE '' END) || ' on ' || m.name || ' ('
               || (SELECT group_concat(coalesce(i.name, '?'), ',') FROM pragma_index_info(l.name) i) || ')'
        FROM sqlite_master m, pragma_index_list(m.name) l
        WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
        UNION ALL
        SELECT 'trigger ' || name || ' on ' || tbl_name FROM sqlite_master WHERE type = 'trigger'
        """);

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

    /// <summary>
    /// VALIDATION_FAILED for a path that is no regular file, or an empty one: opening a named pipe waits for a writer without
    /// end, and a device has no end. Decided before any open, by the file's type (<see cref="RegularFile"/>) and its size: no
    /// backup is an empty file.
    /// </summary>
    internal static Refusal? NotRegular(string path) =>
        RegularFile.NotReadable(path) is { } why
            ? new Refusal(ErrorCatalogue.ValidationFailed, $"{path} is {why}: name a backup file written by 'pk db backup'.")
            : new FileInfo(path).Length == 0
                ? new Refusal(ErrorCatalogue.ValidationFailed, $"{path} is empty: name a backup file written by 'pk db backup'.")
                : null;

    /// <summary>Whether the file's header says WAL mode (bytes 18 and 19 are 2): a service database, never a backup.</summary>
    internal static bool IsInWalMode(string path) => Header(path) is { } header && header[18] == 2 && header[19] == 2;

    internal static bool StartsWithSqliteHeader(string path) => Header(path) is { } header && header.AsSpan(0, SqliteHeader.Length).SequenceEqual(SqliteHeader);

    /// <summary>The first 20 bytes of a SQLite file (its magic string and file format bytes); <c>null</c> when shorter.</summary>
    private static byte[]? Header(string path)
    {
        var header = new byte[20];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length ? header : null;
    }
}
