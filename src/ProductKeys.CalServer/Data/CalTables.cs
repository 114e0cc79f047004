using Microsoft.Data.Sqlite;
using ProductKeys.Core.Files;

namespace ProductKeys.CalServer.Data;

/// <summary>
/// The CAL server's SQLite schema (<c>cal.db</c>). Times are Unix seconds. A CAL is "active" while
/// its last use is within its hold (60 days for users, 89 for permanent device CALs); lapsed rows
/// stay, so a returning user or device is recognized, but no longer count against the packs.
/// <c>ledger_clock</c> holds the highest time the ledger has used (<see cref="LedgerClock"/>): its time never runs backwards.
/// </summary>
internal static class CalTables
{
    public const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS packs (
            pack_id TEXT PRIMARY KEY,
            certificate TEXT NOT NULL,
            installed_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS user_cals (
            user TEXT PRIMARY KEY,
            pool TEXT NOT NULL,
            first_used INTEGER NOT NULL,
            last_used INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS user_cals_pool ON user_cals (pool, last_used);
        CREATE TABLE IF NOT EXISTS device_cals (
            device TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            cal_id TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            temporary_expires INTEGER NOT NULL,
            last_used INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS device_cals_kind ON device_cals (kind, last_used);
        CREATE TABLE IF NOT EXISTS revocations (
            device TEXT NOT NULL,
            cal_id TEXT NOT NULL,
            at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS revocations_at ON revocations (at);
        CREATE TABLE IF NOT EXISTS flushes (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            n INTEGER NOT NULL);
        INSERT OR IGNORE INTO flushes (id, n) VALUES (1, 0);
        CREATE TABLE IF NOT EXISTS ledger_clock (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            highest INTEGER NOT NULL);
        INSERT OR IGNORE INTO ledger_clock (id, highest) VALUES (1, MAX(
            COALESCE((SELECT MAX(last_used) FROM device_cals), 0), COALESCE((SELECT MAX(last_used) FROM user_cals), 0)));
        """;

    /// <summary>
    /// How long a statement waits for another process's write lock (<c>install-pack</c> beside the server holds it for
    /// milliseconds) before the request answers <c>DATABASE_UNREACHABLE</c> with <c>Retry-After</c> (<see cref="IsLocked"/>).
    /// </summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(2);

    public static SqliteConnection Open(string path)
    {
        SqliteDatabaseFile.CreateBeforeOpen(path); // 0600 whatever the umask, and so its -wal and -shm
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            // Microsoft.Data.Sqlite retries a locked statement until its command timeout, on top of busy_timeout.
            DefaultTimeout = (int)LockWait.TotalSeconds,
        }.ToString());
        connection.Open();
        // FULL until the ledger says otherwise (CalSyncMode): a commit is on the disk before the CAL it records is answered.
        Execute(connection, $"PRAGMA busy_timeout = {(int)LockWait.TotalMilliseconds}; PRAGMA synchronous = FULL;");
        return connection;
    }

    /// <summary>Another connection holds the lock the statement needed (SQLITE_BUSY, SQLITE_LOCKED), even after <see cref="LockWait"/>.</summary>
    public static bool IsLocked(SqliteException e) => e.SqliteErrorCode is 5 or 6;

    public static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static long Scalar(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar() is long value ? value : 0;
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
