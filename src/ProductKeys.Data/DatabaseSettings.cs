using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ProductKeys.Data;

/// <summary>Which database the service uses: SQLite in the data folder, or PostgreSQL.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string SqliteFileName = "productkeys.db";

    /// <summary>
    /// SQLite in <paramref name="dataDirectory"/>; writers wait up to 30 s for the file lock. Built by the connection string
    /// builder, which quotes the path: pasted into the text, a folder named with a ';' (<c>--data 'x;Mode=Memory'</c>) added
    /// keywords of its own (an in-memory database that a migration "succeeded" on, writing nothing) or was refused as INTERNAL_ERROR.
    /// </summary>
    public static DatabaseSettings ForDataDirectory(string dataDirectory) =>
        new(DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, SqliteFileName), DefaultTimeout = 30 }.ToString());

    /// <summary>
    /// PostgreSQL at <paramref name="connectionString"/>. Unless the string sets a number, Npgsql
    /// prepares the statements a connection runs often (<c>Max Auto Prepare=64</c>): the server
    /// then skips parsing and planning them, which halved the database's share of a MAK activation
    /// (docs/performance.md).
    /// </summary>
    public static DatabaseSettings ForPostgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Npgsql's builder answers every keyword it knows as present: ask a plain one what was written.
        var written = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!written.ContainsKey("Max Auto Prepare") && !written.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        return new(DatabaseProvider.Postgres, builder.ConnectionString);
    }

    /// <summary>
    /// Connection string with any password removed, for messages. Npgsql's own parser finds the password: cutting the
    /// text at ';' left the rest of a quoted password that holds one (<c>Password='a;b'</c>) in the start-up line.
    /// </summary>
    public string Describe() => Provider == DatabaseProvider.Sqlite
        ? $"Data Source={new SqliteConnectionStringBuilder(ConnectionString).DataSource}"
        : new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.ConnectionString;
}
