using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using ProductKeys.Core.Kms;

namespace ProductKeys.KmsHost.Counting;

/// <summary>
/// The host's SQLite database (docs/adr/0003-kms-count-persistence.md): the clients seen per product,
/// the activations acknowledged, and request counters. WAL, and group commit: requests queue their
/// visit to one writer, which takes everything pending, decides each visit's count in arrival order,
/// writes the lot in one transaction and completes the requests only after that commit. So an answer
/// the host gave is never lost when the host process dies (with <see cref="KmsSyncMode.Full"/>, not
/// on a power loss either: one fsync per batch), and the count is exact however many requests arrive at once.
/// </summary>
internal sealed class KmsDatabase : IDisposable, IAsyncDisposable
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

    /// <summary>Most requests in one transaction: bounds the transaction, not the queue.</summary>
    private const int MaxBatch = 512;

    /// <summary>Rows older than the window are deleted at most once per hour of host time: every reader filters by the window anyway.</summary>
    private const long HousekeepingSeconds = 3600;

    private static readonly long WindowSeconds = (long)KmsProtocol.CountWindow.TotalSeconds;

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, long> _counterDeltas = new(StringComparer.Ordinal);
    private readonly SqliteCommand _upsertClient;
    private readonly SqliteCommand _upsertHardware;
    private readonly SqliteCommand _insertActivation;
    private readonly SqliteCommand _addToCounter;
    private readonly SqliteCommand _forgetClients;
    private readonly SqliteCommand _forgetHardware;
    private readonly Task _writer;

    // The clients in the window per product, loaded from the table by the writer on its first batch
    // and dropped (to be loaded again) when a commit fails. Only the writer changes it.
    private volatile ConcurrentDictionary<string, SeenClients>? _seen;
    private long _nextHousekeeping = long.MinValue;

    private KmsDatabase(SqliteConnection connection)
    {
        _connection = connection;
        _upsertClient = Prepare("""
            INSERT INTO clients (product, cmid, hardware_id, first_seen, last_seen) VALUES ($p, $c, $h, $now, $now)
            ON CONFLICT (product, cmid) DO UPDATE SET hardware_id = $h, last_seen = MAX(last_seen, $now);
            """, "$p", "$c", "$h", "$now");
        // client_hardware holds only the CMIDs that arrived with more than one hardware ID (what status
        // reports as likely cloned images): when a known client comes back with another hardware ID,
        // both pairs go in, and from then on every visit of that CMID keeps its pair's last visit. A
        // client that keeps its hardware ID — nearly all — costs a lookup, not a row and a page per visit.
        // Runs before the client's own upsert, which then overwrites its hardware ID.
        _upsertHardware = Prepare("""
            INSERT INTO client_hardware (cmid, hardware_id, last_seen)
                SELECT cmid, hardware_id, last_seen FROM clients WHERE product = $p AND cmid = $c AND hardware_id <> $h
                ON CONFLICT (cmid, hardware_id) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen);
            INSERT INTO client_hardware (cmid, hardware_id, last_seen)
                SELECT $c, $h, $now WHERE EXISTS (SELECT 1 FROM client_hardware WHERE cmid = $c)
                ON CONFLICT (cmid, hardware_id) DO UPDATE SET last_seen = MAX(last_seen, $now);
            """, "$p", "$c", "$h", "$now");
        _insertActivation = Prepare("""
            INSERT INTO activations (activation_id, product, cmid, hardware_id, issued_at, expires, fingerprint)
            VALUES ($id, $p, $c, $h, $issued, $expires, $fp);
            """, "$id", "$p", "$c", "$h", "$issued", "$expires", "$fp");
        _addToCounter = Prepare("INSERT INTO counters (name, value) VALUES ($n, $d) ON CONFLICT (name) DO UPDATE SET value = value + $d;", "$n", "$d");
        _forgetClients = Prepare("DELETE FROM clients WHERE last_seen <= $w;", "$w");
        _forgetHardware = Prepare("DELETE FROM client_hardware WHERE last_seen <= $w;", "$w");
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Opens (creating when missing) the database file and starts its writer.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="sync">How far each commit is pushed to disk before a request completes.</param>
    public static KmsDatabase Open(string path, KmsSyncMode sync = KmsSyncMode.Normal)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            // NORMAL: the WAL frames are written (to the OS) before the commit returns, fsync only at checkpoints.
            Execute(connection, sync == KmsSyncMode.Full
                ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"
                : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
            Execute(connection, Schema);
            Upgrade(connection);
            return new KmsDatabase(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
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
        if (Convert.ToInt64(version.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) >= 2)
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

    /// <summary>
    /// Queues a visit. The writer counts the product's distinct clients seen within the window, this
    /// one included, and calls <paramref name="activate"/> with that count (on the writer, in arrival
    /// order, so it must be quick); an activation it returns is stored in the same transaction.
    /// </summary>
    /// <returns>The count (not capped), once the visit and its activation are committed.</returns>
    public Task<int> RecordVisitAsync(ClientVisit visit, Func<int, AcknowledgedActivation?> activate)
    {
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentNullException.ThrowIfNull(activate);
        return Enqueue(PendingWrite.ForVisit(visit, activate));
    }

    /// <summary>Counts a refused request (bad input, clock skew, product not covered, host not activated).</summary>
    public Task RecordRefusalAsync(string code, string? clientState) => Enqueue(PendingWrite.ForRefusal(code, clientState));

    /// <summary>
    /// The product's count after the last visit the writer decided: a hint (e.g. whether to sign a
    /// certificate ahead), never a decision — only the writer decides.
    /// </summary>
    public int CountHint(string product) => _seen is { } seen && seen.TryGetValue(product, out var clients) ? clients.Published : 0;

    /// <summary>Remembers a fact for <c>pk kms-host status</c>, e.g. the listening address.</summary>
    public void SetMeta(string name, string value)
    {
        lock (_gate)
        {
            Execute(_connection, "INSERT INTO meta (name, value) VALUES ($n, $v) ON CONFLICT (name) DO UPDATE SET value = $v;", ("$n", name), ("$v", value));
        }
    }

    /// <summary>The greatest activation ID stored that sorts before <paramref name="bound"/>, if any.</summary>
    public string? LastActivationIdBefore(string bound) =>
        Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT MAX(activation_id) FROM activations WHERE activation_id < $bound;";
            command.Parameters.AddWithValue("$bound", bound);
            return command.ExecuteScalar() as string;
        });

    /// <summary>Runs a read-only query between the writer's transactions (used by status in the same process and by tests).</summary>
    public T Read<T>(Func<SqliteConnection, T> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            return query(_connection);
        }
    }

    /// <summary>Lets the writer commit what is queued, then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        Close();
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        // The writer never blocks on this thread's context: it only waits for the queue, now completed.
        _writer.GetAwaiter().GetResult();
        Close();
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

    private Task<int> Enqueue(PendingWrite pending) =>
        _queue.Writer.TryWrite(pending) ? pending.Task : Task.FromException<int>(new ObjectDisposedException(nameof(KmsDatabase)));

    private async Task WriteAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        var counts = new int[MaxBatch];
        var failed = new Exception?[MaxBatch];
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            Array.Clear(failed);
            try
            {
                lock (_gate)
                {
                    Commit(batch, counts, failed);
                }
            }
#pragma warning disable CA1031 // Whatever failed the commit fails every request in it; the writer must go on with the next batch.
            catch (Exception e)
#pragma warning restore CA1031
            {
                // Nothing of the batch is on disk: forget what memory decided and load again from the file.
                _seen = null;
                foreach (var pending in batch)
                {
                    pending.TrySetException(e);
                }

                batch.Clear();
                continue;
            }

            for (var i = 0; i < batch.Count; i++)
            {
                if (failed[i] is { } error)
                {
                    batch[i].TrySetException(error);
                }
                else
                {
                    batch[i].TrySetResult(counts[i]);
                }
            }

            batch.Clear();
        }
    }

    /// <summary>Writes a batch in one transaction; an answer's <c>activate</c> that throws fails that request only.</summary>
    private void Commit(List<PendingWrite> batch, int[] counts, Exception?[] failed)
    {
        var seen = _seen ?? Load();
        _seen = seen;
        using var transaction = _connection.BeginTransaction();
        foreach (var command in (ReadOnlySpan<SqliteCommand>)[_upsertClient, _upsertHardware, _insertActivation, _addToCounter, _forgetClients, _forgetHardware])
        {
            command.Transaction = transaction;
        }

        _counterDeltas.Clear();
        var latestWindowStart = long.MinValue;
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            if (pending.Visit is not { } visit)
            {
                Add(KmsCounters.Requests);
                Add(KmsCounters.Failed);
                Add(KmsCounters.FailedWith(pending.RefusalCode!));
                if (pending.RefusedClientState is { } state)
                {
                    Add(KmsCounters.State(state));
                }

                continue;
            }

            var now = visit.At.ToUnixTimeSeconds();
            var windowStart = now - WindowSeconds;
            latestWindowStart = Math.Max(latestWindowStart, windowStart);
            var clients = seen.GetOrAdd(visit.Product, static _ => new SeenClients());
            clients.Forget(windowStart);
            var before = clients.See(visit.Cmid, now);
            AcknowledgedActivation? activation;
            try
            {
                activation = pending.Activate!(clients.Count);
            }
#pragma warning disable CA1031 // The answer could not be prepared (e.g. signing failed): that request fails, not the batch.
            catch (Exception e)
#pragma warning restore CA1031
            {
                clients.Undo(visit.Cmid, now, before);
                failed[i] = e;
                continue;
            }

            counts[i] = clients.Count;
            if (before is not null)
            {
                // Only a client seen before in the window can have changed its hardware ID.
                Run(_upsertHardware, visit.Product, visit.Cmid, visit.HardwareId, now);
            }

            Run(_upsertClient, visit.Product, visit.Cmid, visit.HardwareId, now);
            if (activation is { } row)
            {
                Run(_insertActivation, row.ActivationId, visit.Product, visit.Cmid, visit.HardwareId,
                    row.IssuedAt.ToUnixTimeSeconds(), row.Expires.ToUnixTimeSeconds(), row.Fingerprint);
            }

            Add(KmsCounters.Requests);
            Add(KmsCounters.State(visit.ClientState));
            Add(activation is null ? KmsCounters.NotYet : KmsCounters.Activated);
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

        transaction.Commit();
    }

    private ConcurrentDictionary<string, SeenClients> Load()
    {
        var seen = new ConcurrentDictionary<string, SeenClients>(StringComparer.Ordinal);
        using var command = Command(_connection, "SELECT product, cmid, last_seen FROM clients;");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            seen.GetOrAdd(reader.GetString(0), static _ => new SeenClients()).See(reader.GetString(1), reader.GetInt64(2));
        }

        return seen;
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

    private void Close()
    {
        foreach (var command in (ReadOnlySpan<SqliteCommand>)[_upsertClient, _upsertHardware, _insertActivation, _addToCounter, _forgetClients, _forgetHardware])
        {
            command.Dispose();
        }

        _connection.Dispose();
    }
}
