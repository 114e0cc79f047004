using Microsoft.Data.Sqlite;
using Npgsql;
using ProductKeys.Core.Errors;
using ProductKeys.Data;

namespace ProductKeys.Cli.Server;

/// <summary>
/// A --db that cannot be used (not a connection string, no server at that address, a wrong user,
/// password or database) is the operator's to fix: <c>DATABASE_UNREACHABLE</c>, not a stack trace; so is
/// a SQLite file in --data that SQLite cannot read (<c>STORE_INVALID</c>).
/// </summary>
internal static class DatabaseFailure
{
    /// <summary>
    /// <c>DATABASE_UNREACHABLE</c> when --db is not an Npgsql connection string, else <c>null</c>; <paramref name="source"/> says where it came from
    /// (<see cref="ServerCommands.DbSource"/>): an operator who gave no --db looked for a mistake on a command line that has none.
    /// </summary>
    public static Refusal? CheckConnectionString(string? db, string source)
    {
        if (db is not { Length: > 0 })
        {
            return null;
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(db);
            return null;
        }
        catch (ArgumentException e)
        {
            return new Refusal(ErrorCatalogue.DatabaseUnreachable, $"{source} is not a PostgreSQL connection string: {e.Message}");
        }
    }

    /// <summary>
    /// The refusal for a failure to reach or sign in to the database, or <c>null</c> for anything else
    /// (a bug stays one). What counts is decided once, for starts and requests alike: <see cref="DatabaseOutage"/>.
    /// </summary>
    public static Refusal? Explain(Exception exception) =>
        DatabaseOutage.Find(exception) is { } outage ? new Refusal(ErrorCatalogue.DatabaseUnreachable, outage.Message)
        : LacksPrivilege(exception) is { } denied ? new Refusal(ErrorCatalogue.DatabaseUnreachable,
            $"PostgreSQL refused the role in --db: {denied.MessageText}. Retrying will not help: as a superuser, "
            + (denied.MessageText.Contains("create database", StringComparison.OrdinalIgnoreCase)
                ? "create the database for that role (CREATE DATABASE productkeys OWNER pk;)"
                : "make that role the owner of the database and its tables (ALTER DATABASE productkeys OWNER TO pk; and REASSIGN OWNED BY the role that migrated TO pk;), or migrate with the role the nodes use")
            + ", then run the command again (docs/operations.md \"Databases and migrations\").")
        : Unreadable(exception) is { } unreadable ? new Refusal(ErrorCatalogue.StoreInvalid,
            $"The SQLite database in --data (productkeys.db) cannot be read ({unreadable.Message.TrimEnd('.')}): it was overwritten or damaged. Restore it from a backup "
            + "with 'pk db restore --force --data DIR --from FILE', which keeps this file beside, renamed (docs/operations.md \"Backup, restore and upgrade\").")
        : null;

    /// <summary>SQLite's "file is not a database" (SQLITE_NOTADB) or "database disk image is malformed" (SQLITE_CORRUPT): as pk db backup and restore judge a file.</summary>
    private static SqliteException? Unreadable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: 26 or 11 } sqlite)
            {
                return sqlite;
            }
        }

        return null;
    }

    /// <summary>PostgreSQL's "permission denied" (42501): at a first migrate, a role that may not create the database it names.</summary>
    private static PostgresException? LacksPrivilege(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } postgres)
            {
                return postgres;
            }
        }

        return null;
    }
}
