using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Data;

namespace ProductKeys.Service.Tests.Backup;

/// <summary>
/// Every row of every table (but the migrations history) as text, sorted: two databases of one provider
/// hold the same data exactly when their dumps are equal. Read through plain SQL, not the model, so a
/// column the model forgot is compared too.
/// </summary>
internal static class DatabaseDump
{
    public const string MigrationsTable = "__EFMigrationsHistory";

    /// <summary>Each table's columns, in order.</summary>
    public static async Task<Dictionary<string, List<string>>> ColumnsAsync(DatabaseSettings settings)
    {
        await using var db = LicensingDatabase.Create(settings);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var columns = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var sqlite = settings.Provider == DatabaseProvider.Sqlite;
        foreach (var table in await StringsAsync(connection, sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"))
        {
            if (table != MigrationsTable)
            {
                columns[table] = await StringsAsync(connection, sqlite
                    ? $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                    : $"SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position");
            }
        }

        return columns;
    }

    /// <summary>The rows of <paramref name="columns"/>' tables, of those columns only.</summary>
    public static async Task<SortedDictionary<string, List<string>>> ReadAsync(DatabaseSettings settings, IReadOnlyDictionary<string, List<string>> columns)
    {
        await using var db = LicensingDatabase.Create(settings);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var dump = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (table, names) in columns)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {string.Join(", ", names.Select(n => $"\"{n}\""))} FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => Text(reader.GetValue(i)))));
            }

            rows.Sort(StringComparer.Ordinal);
            dump[table] = rows;
        }

        return dump;
    }

    /// <summary>Asserts table by table, so a failure names the table and its first differing row.</summary>
    public static void AssertEqual(SortedDictionary<string, List<string>> expected, SortedDictionary<string, List<string>> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (table, rows) in expected)
        {
            Assert.True(rows.Count == actual[table].Count, $"{table}: {rows.Count} rows expected, {actual[table].Count} found");
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.True(rows[i] == actual[table][i], $"{table}: expected\n{rows[i]}\nfound\n{actual[table][i]}");
            }
        }
    }

    private static string Text(object value) => value switch
    {
        DBNull => "NULL",
        byte[] bytes => Convert.ToHexString(bytes),
        DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static async Task<List<string>> StringsAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
