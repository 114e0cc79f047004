using Microsoft.Data.Sqlite;
using ProductKeys.Core.Kms;

namespace ProductKeys.KmsHost.Counting;

/// <summary>
/// The host's SQLite database (docs/adr/0003-kms-count-persistence.md): the clients seen per product,
/// the activations acknowledged, and request counters. WAL with <c>synchronous=FULL</c>: a
/// transaction is on disk before <see cref="RecordVisit"/> returns, so an answer the host gave is
/// never lost to a crash or power cut. One connection, one writer at a time: the host is a single
/// process and each visit is one short transaction.
/// </summary>
internal sealed class KmsDatabase : IDisposable
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
            issued_at INTEGER NOT NULL, expires INTEGER NOT NULL, fingerprint TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        """;

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private KmsDatabase(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens (creating when missing) the database file.</summary>
    public static KmsDatabase Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;");
            Execute(connection, Schema);
            return new KmsDatabase(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Records a visit and counts the product's distinct clients seen within the window, this one
    /// included. When <paramref name="activate"/> returns an activation for that count, it is stored
    /// in the same transaction, so the answer and the record commit together.
    /// </summary>
    /// <returns>The count (not capped).</returns>
    public int RecordVisit(ClientVisit visit, Func<int, AcknowledgedActivation?> activate)
    {
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentNullException.ThrowIfNull(activate);
        var now = visit.At.ToUnixTimeSeconds();
        var windowStart = now - (long)KmsProtocol.CountWindow.TotalSeconds;
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            Execute(_connection, """
                INSERT INTO clients (product, cmid, hardware_id, first_seen, last_seen) VALUES ($p, $c, $h, $now, $now)
                ON CONFLICT (product, cmid) DO UPDATE SET hardware_id = $h, last_seen = MAX(last_seen, $now);
                INSERT INTO client_hardware (cmid, hardware_id, last_seen) VALUES ($c, $h, $now)
                ON CONFLICT (cmid, hardware_id) DO UPDATE SET last_seen = MAX(last_seen, $now);
                DELETE FROM clients WHERE product = $p AND last_seen <= $window;
                DELETE FROM client_hardware WHERE last_seen <= $window;
                """, ("$p", visit.Product), ("$c", visit.Cmid), ("$h", visit.HardwareId), ("$now", now), ("$window", windowStart));
            var count = Convert.ToInt32(Scalar(_connection,
                "SELECT COUNT(*) FROM clients WHERE product = $p AND last_seen > $window;", ("$p", visit.Product), ("$window", windowStart)),
                System.Globalization.CultureInfo.InvariantCulture);
            var activation = activate(count);
            if (activation is { } row)
            {
                Execute(_connection, """
                    INSERT INTO activations (activation_id, product, cmid, hardware_id, issued_at, expires, fingerprint)
                    VALUES ($id, $p, $c, $h, $issued, $expires, $fp);
                    """, ("$id", row.ActivationId), ("$p", visit.Product), ("$c", visit.Cmid), ("$h", visit.HardwareId),
                    ("$issued", row.IssuedAt.ToUnixTimeSeconds()), ("$expires", row.Expires.ToUnixTimeSeconds()), ("$fp", row.Fingerprint));
            }

            Increment(KmsCounters.Requests);
            Increment(KmsCounters.State(visit.ClientState));
            Increment(activation is null ? KmsCounters.NotYet : KmsCounters.Activated);
            transaction.Commit();
            return count;
        }
    }

    /// <summary>Counts a refused request (bad input, clock skew, product not covered, host not activated).</summary>
    public void RecordRefusal(string code, string? clientState)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            Increment(KmsCounters.Requests);
            Increment(KmsCounters.Failed);
            Increment(KmsCounters.FailedWith(code));
            if (clientState is not null)
            {
                Increment(KmsCounters.State(clientState));
            }

            transaction.Commit();
        }
    }

    /// <summary>Remembers a fact for <c>pk kms-host status</c>, e.g. the listening address.</summary>
    public void SetMeta(string name, string value)
    {
        lock (_gate)
        {
            Execute(_connection, "INSERT INTO meta (name, value) VALUES ($n, $v) ON CONFLICT (name) DO UPDATE SET value = $v;", ("$n", name), ("$v", value));
        }
    }

    /// <summary>Runs a read-only query under the writer's lock (used by status in the same process and by tests).</summary>
    public T Read<T>(Func<SqliteConnection, T> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            return query(_connection);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

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

    private void Increment(string name) =>
        Execute(_connection, "INSERT INTO counters (name, value) VALUES ($n, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1;", ("$n", name));
}
