using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using ProductKeys.Core.Files;
using ProductKeys.Core.Kms;

namespace ProductKeys.KmsHost.Counting;

/// <summary>
/// The tables of <c>kms.db</c> and the one way records get into them: a fold, which applies the visit
/// log's records after the position stored in <c>meta</c> and moves that position, in one
/// transaction. So a record is applied exactly once, whoever folds it (the serving host, or
/// <c>pk kms-host status</c> in another process) and however often a fold is cut short.
/// </summary>
internal sealed class KmsTables : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS clients (
            product TEXT NOT NULL, cmid TEXT NOT NULL, hardware_id TEXT NOT NULL,
            first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
            PRIMARY KEY (product, cmid)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS clients_by_last_seen ON clients (product, last_seen);
        CREATE TABLE IF NOT EXISTS client_hardware (
            cmid TEXT NOT NULL, hardware_id TEXT NOT NULL, last_seen INTEGER NOT NULL,
            PRIMARY KEY (cmid, hardware_id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS activations (
            activation_id TEXT PRIMARY KEY, product TEXT NOT NULL, cmid TEXT NOT NULL, hardware_id TEXT NOT NULL,
            issued_at INTEGER NOT NULL, expires INTEGER NOT NULL, fingerprint TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        """;

    /// <summary>The meta entry holding the log position folded up to.</summary>
    private const string FoldedMeta = "log-folded";

    /// <summary>The meta entry the flush before a restart of the log writes (any change would do).</summary>
    private const string SyncedMeta = "log-synced";

    /// <summary>Rows older than the window are deleted at most once per hour of host time: every reader filters by the window anyway.</summary>
    private const long HousekeepingSeconds = 3600;

    private static readonly long WindowSeconds = (long)KmsProtocol.CountWindow.TotalSeconds;

    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, long> _counterDeltas = new(StringComparer.Ordinal);
    private readonly SqliteCommand _upsertClient;
    private readonly SqliteCommand _upsertHardware;
    private readonly SqliteCommand _insertActivation;
    private readonly SqliteCommand _addToCounter;
    private readonly SqliteCommand _forgetClients;
    private readonly SqliteCommand _forgetHardware;
    private readonly SqliteCommand _readFolded;
    private readonly SqliteCommand _writeFolded;
    private long _nextHousekeeping = long.MinValue;

    public KmsTables(SqliteConnection connection)
    {
        _connection = connection;
        _upsertClient = Prepare("""
            INSERT INTO clients (product, cmid, hardware_id, first_seen, last_seen) VALUES ($p, $c, $h, $now, $now)
            ON CONFLICT (product, cmid) DO UPDATE SET hardware_id = $h, last_seen = MAX(last_seen, $now);
            """, "$p", "$c", "$h", "$now");
        // client_hardware holds only the CMIDs that arrived with more than one hardware ID (what status
        // reports as likely cloned images): when a known client comes back with another hardware ID,
        // both pairs go in, and from then on every visit of that CMID keeps its pair's last visit. A
        // client that keeps its hardware ID — nearly all — costs a lookup, not a row. Runs before the
        // client's own upsert, which then overwrites its hardware ID.
        _upsertHardware = Prepare("""
            INSERT INTO client_hardware (cmid, hardware_id, last_seen)
                SELECT cmid, hardware_id, last_seen FROM clients WHERE product = $p AND cmid = $c AND hardware_id <> $h
                ON CONFLICT (cmid, hardware_id) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen);
            INSERT INTO client_hardware (cmid, hardware_id, last_seen)
                SELECT $c, $h, $now WHERE EXISTS (SELECT 1 FROM client_hardware WHERE cmid = $c)
                ON CONFLICT (cmid, hardware_id) DO UPDATE SET last_seen = MAX(last_seen, $now);
            """, "$p", "$c", "$h", "$now");
        // OR IGNORE: a database restored from a backup older than the log may meet a record twice.
        _insertActivation = Prepare("""
            INSERT OR IGNORE INTO activations (activation_id, product, cmid, hardware_id, issued_at, expires, fingerprint)
            VALUES ($id, $p, $c, $h, $issued, $expires, $fp);
            """, "$id", "$p", "$c", "$h", "$issued", "$expires", "$fp");
        _addToCounter = Prepare("INSERT INTO counters (name, value) VALUES ($n, $d) ON CONFLICT (name) DO UPDATE SET value = value + $d;", "$n", "$d");
        _forgetClients = Prepare("DELETE FROM clients WHERE last_seen <= $w;", "$w");
        _forgetHardware = Prepare("DELETE FROM client_hardware WHERE last_seen <= $w;", "$w");
        _readFolded = Prepare($"SELECT value FROM meta WHERE name = '{FoldedMeta}';");
        _writeFolded = Prepare($"INSERT INTO meta (name, value) VALUES ('{FoldedMeta}', $v) ON CONFLICT (name) DO UPDATE SET value = $v;", "$v");
    }

    /// <summary>Opens the database file (creating it and its tables when missing) in WAL mode.</summary>
    public static SqliteConnection OpenConnection(string path, KmsSyncMode sync)
    {
        PrivateFolder.Create(Path.GetDirectoryName(Path.GetFullPath(path))!);
        SqliteDatabaseFile.CreateBeforeOpen(path); // 0600 whatever the umask, and so its -wal and -shm
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            // The log carries each answer to disk; these settings are for the folds.
            Execute(connection, sync == KmsSyncMode.Full
                ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"
                : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
            Execute(connection, Schema);
            Upgrade(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Applies the records of the log at <paramref name="logPath"/> after the folded position, in one
    /// transaction that holds the database's write lock (so no other fold, and no restart of the log,
    /// runs meanwhile).
    /// </summary>
    /// <returns>How many records were applied, and how many bytes after the last one could not be read (a torn or damaged tail).</returns>
    public (int Applied, long UnreadBytes) FoldFile(string logPath)
    {
        using var transaction = Begin();
        var records = VisitLog.ReadAfter(logPath, ReadFolded(), out var unreadBytes);
        if (records.Count > 0)
        {
            Apply(records.Select(r => r.Record));
            WriteFolded(records[^1].After);
        }

        transaction.Commit();
        return (records.Count, unreadBytes);
    }

    /// <summary>
    /// Makes every committed fold durable, so the log may then be emptied: with
    /// <c>synchronous=NORMAL</c> a commit alone is not yet on the disk. One small write transaction
    /// with <c>synchronous=FULL</c> flushes the write-ahead log, which holds every earlier commit
    /// (another process's too); commits already checkpointed were flushed with the database file.
    /// Unlike a checkpoint, it never waits for readers.
    /// </summary>
    public void MakeFoldsDurable()
    {
        var synchronous = Convert.ToInt64(Scalar(_connection, "PRAGMA synchronous;"), CultureInfo.InvariantCulture);
        Execute(_connection, "PRAGMA synchronous=FULL;");
        try
        {
            using var transaction = Begin();
            Execute(_connection, $"INSERT INTO meta (name, value) VALUES ('{SyncedMeta}', $v) ON CONFLICT (name) DO UPDATE SET value = $v;",
                ("$v", Guid.NewGuid().ToString("N")));
            transaction.Commit();
        }
        finally
        {
            Execute(_connection, synchronous == 2 ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
        }
    }

    /// <summary>
    /// Applies the records of <paramref name="logged"/> the folded position does not already cover (a
    /// fold from another process may have taken some), in one transaction.
    /// </summary>
    public void FoldLogged(IReadOnlyList<(LoggedRecord Record, LogPosition After)> logged)
    {
        using var transaction = Begin();
        var folded = ReadFolded();
        var fresh = logged.Where(l => l.After.Id != folded.Id || l.After.Offset > folded.Offset).ToList();
        if (fresh.Count > 0)
        {
            Apply(fresh.Select(r => r.Record));
            WriteFolded(fresh[^1].After);
        }

        transaction.Commit();
    }

    /// <summary>Runs <paramref name="action"/> holding the database's write lock (e.g. to start the log afresh).</summary>
    public void WhileLocked(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var transaction = Begin();
        action();
        transaction.Commit();
    }

    /// <summary>Every client in the window and when it was last seen, per product (what the writer's memory starts from).</summary>
    public IEnumerable<(string Product, string Cmid, long LastSeen)> Clients()
    {
        using var command = Command(_connection, "SELECT product, cmid, last_seen FROM clients;");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
        }
    }

    public void Dispose()
    {
        foreach (var command in (ReadOnlySpan<SqliteCommand>)[_upsertClient, _upsertHardware, _insertActivation, _addToCounter, _forgetClients, _forgetHardware, _readFolded, _writeFolded])
        {
            command.Dispose();
        }
    }

    internal static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    internal static object? Scalar(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    internal static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Only constant SQL from this assembly; every value is a parameter.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    /// <summary>
    /// Brings a database written by an earlier host to this one's shape (<c>PRAGMA user_version</c>).
    /// Version 2: <c>client_hardware</c> holds only CMIDs seen with more than one hardware ID; before,
    /// it held a row for every client, and each such row would be rewritten on every visit for good.
    /// A lone pair is redundant: the client's hardware ID is in <c>clients</c>.
    /// </summary>
    private static void Upgrade(SqliteConnection connection)
    {
        using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        if (Convert.ToInt64(version.ExecuteScalar(), CultureInfo.InvariantCulture) >= 2)
        {
            return;
        }

        Execute(connection, """
            BEGIN IMMEDIATE;
            DELETE FROM client_hardware WHERE cmid IN (SELECT cmid FROM client_hardware GROUP BY cmid HAVING COUNT(*) = 1);
            PRAGMA user_version = 2;
            COMMIT;
            """);
    }

    /// <summary>A write transaction from its start (BEGIN IMMEDIATE), with every prepared statement in it.</summary>
    private SqliteTransaction Begin()
    {
        var transaction = _connection.BeginTransaction(deferred: false);
        foreach (var command in (ReadOnlySpan<SqliteCommand>)[_upsertClient, _upsertHardware, _insertActivation, _addToCounter, _forgetClients, _forgetHardware, _readFolded, _writeFolded])
        {
            command.Transaction = transaction;
        }

        return transaction;
    }

    private LogPosition ReadFolded() => LogPosition.Parse(_readFolded.ExecuteScalar() as string);

    private void WriteFolded(LogPosition position) => Run(_writeFolded, position.ToString());

    /// <summary>Applies records in log order (inside the caller's transaction).</summary>
    private void Apply(IEnumerable<LoggedRecord> records)
    {
        _counterDeltas.Clear();
        var latestWindowStart = long.MinValue;
        foreach (var record in records)
        {
            if (record.Visit is not { } visit)
            {
                Add(KmsCounters.Requests);
                Add(KmsCounters.Failed);
                Add(KmsCounters.FailedWith(record.RefusalCode!));
                if (record.RefusedClientState is { } state)
                {
                    Add(KmsCounters.State(state));
                }

                continue;
            }

            var now = visit.At.ToUnixTimeSeconds();
            latestWindowStart = Math.Max(latestWindowStart, now - WindowSeconds);
            if (record.Returning)
            {
                // Only a client seen before in the window can have changed its hardware ID.
                Run(_upsertHardware, visit.Product, visit.Cmid, visit.HardwareId, now);
            }

            Run(_upsertClient, visit.Product, visit.Cmid, visit.HardwareId, now);
            if (record.Activation is { } row)
            {
                Run(_insertActivation, row.ActivationId, visit.Product, visit.Cmid, visit.HardwareId,
                    row.IssuedAt.ToUnixTimeSeconds(), row.Expires.ToUnixTimeSeconds(), row.Fingerprint);
            }

            Add(KmsCounters.Requests);
            Add(KmsCounters.State(visit.ClientState));
            Add(record.Activation is null ? KmsCounters.NotYet : KmsCounters.Activated);
        }

        foreach (var (name, delta) in _counterDeltas)
        {
            Run(_addToCounter, name, delta);
        }

        if (latestWindowStart != long.MinValue && latestWindowStart >= _nextHousekeeping)
        {
            Run(_forgetClients, latestWindowStart);
            Run(_forgetHardware, latestWindowStart);
            _nextHousekeeping = latestWindowStart + HousekeepingSeconds;
        }
    }

    private void Add(string counter) => CollectionsMarshal.GetValueRefOrAddDefault(_counterDeltas, counter, out _)++;

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = Command(_connection, sql);
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Run(SqliteCommand command, params ReadOnlySpan<object> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        command.ExecuteNonQuery();
    }
}
