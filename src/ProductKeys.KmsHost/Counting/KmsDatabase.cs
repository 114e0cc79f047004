using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using ProductKeys.Core.Kms;

namespace ProductKeys.KmsHost.Counting;

/// <summary>
/// The serving host's count store (docs/adr/0003-kms-count-persistence.md, docs/adr/0011-kms-visit-log.md).
/// Requests queue their visit; the first request that finds nobody writing becomes the writer: it
/// takes everything pending, decides each visit's count in arrival order (from the clients in the
/// window, kept in memory), appends the lot to the visit log with one write and completes the
/// requests only after that write, until the queue is empty. So an answer the host gave is never
/// lost when the host process dies (with <see cref="KmsSyncMode.Full"/>, not on a power loss either:
/// one flush per batch), the count is exact however many requests arrive at once, and a request that
/// arrives while nobody writes is answered with no hand-over to another thread. A background thread
/// folds the log into the SQLite tables (<c>kms.db</c>) in large transactions, and starts the log
/// afresh once it is long and folded. One host per data folder: <c>kms.lock</c> says which.
/// </summary>
internal sealed class KmsDatabase : IDisposable, IAsyncDisposable
{
    /// <summary>Most requests in one append: bounds the write, not the queue.</summary>
    private const int MaxBatch = 512;

    /// <summary>Records waiting for a fold that make the folder start one at once.</summary>
    private const int FoldAtRecords = 4096;

    /// <summary>How often the folder looks for records to fold when fewer wait.</summary>
    private static readonly TimeSpan FoldInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>A log longer than this (and folded) is started afresh, unless the host is opened with another length.</summary>
    private const long RestartLogAtBytes = 16 * 1024 * 1024;

    private static readonly long WindowSeconds = (long)KmsProtocol.CountWindow.TotalSeconds;

    private readonly SqliteConnection _connection;
    private readonly KmsTables _tables;
    private readonly VisitLog _log;
    private readonly FileStream _ownerLock;
    private readonly long _restartLogAt;
    private readonly Lock _gate = new();
    private readonly ConcurrentQueue<PendingWrite> _queue = new();
    private readonly List<PendingWrite> _batch = new(MaxBatch);
    private readonly List<LoggedRecord> _records = new(MaxBatch);
    private readonly long?[] _seenBefore = new long?[MaxBatch];
    private readonly int[] _counts = new int[MaxBatch];
    private readonly Exception?[] _failed = new Exception?[MaxBatch];
    private readonly LogPosition[] _positions = new LogPosition[MaxBatch];
    private readonly Lock _loggedGate = new();
    private readonly List<(LoggedRecord Record, LogPosition After)> _logged = [];
    private readonly AutoResetEvent _foldNow = new(false);
    private readonly Thread _folder;

    // The clients in the window per product, loaded from the tables when the host starts. Only the writer changes it.
    private readonly ConcurrentDictionary<string, SeenClients> _seen;

    // 1 while a thread is the writer (takes batches from the queue and appends them), else 0.
    private int _writing;
    private volatile bool _closed;

    private KmsDatabase(SqliteConnection connection, KmsTables tables, VisitLog log, FileStream ownerLock, long restartLogAt)
    {
        _connection = connection;
        _tables = tables;
        _log = log;
        _ownerLock = ownerLock;
        _restartLogAt = restartLogAt;
        _seen = new ConcurrentDictionary<string, SeenClients>(StringComparer.Ordinal);
        foreach (var (product, cmid, lastSeen) in tables.Clients())
        {
            _seen.GetOrAdd(product, static _ => new SeenClients()).See(cmid, lastSeen);
        }

        _folder = new Thread(FoldLoop) { IsBackground = true, Name = "kms-log-folder" };
        _folder.Start();
    }

    /// <summary>
    /// Opens the data folder's count store for serving (creating it when missing): takes the folder's
    /// lock, folds whatever the last host left in the log, and starts the log afresh.
    /// </summary>
    /// <param name="path">The database file (<c>kms.db</c>); the log and the lock sit next to it.</param>
    /// <param name="sync">How far each append is pushed to disk before a request completes.</param>
    /// <param name="restartLogAt">The log's length at which it is started afresh once folded (tests make it short).</param>
    /// <exception cref="KmsDataFolderBusyException">Another host serves this folder.</exception>
    public static KmsDatabase Open(string path, KmsSyncMode sync = KmsSyncMode.Normal, long restartLogAt = RestartLogAtBytes)
    {
        var ownerLock = TakeOwnerLock(path);
        SqliteConnection? connection = null;
        KmsTables? tables = null;
        VisitLog? log = null;
        try
        {
            connection = KmsTables.OpenConnection(path, sync);
            tables = new KmsTables(connection);
            var logPath = LogPath(path);
            tables.FoldFile(logPath);
            // In its own transaction, after the fold is committed: a host dying in between folds nothing twice.
            tables.WhileLocked(() => log = VisitLog.StartAfresh(logPath, sync == KmsSyncMode.Full));
            return new KmsDatabase(connection, tables, log!, ownerLock, restartLogAt);
        }
        catch
        {
            log?.Dispose();
            tables?.Dispose();
            connection?.Dispose();
            ownerLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs a read-only query on the data folder's tables from outside the serving host (e.g.
    /// <c>pk kms-host status</c>), after folding whatever the log holds, so the answer includes every
    /// request answered so far, whether a host is serving or not.
    /// </summary>
    public static T ReadFolded<T>(string path, Func<SqliteConnection, T> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var connection = KmsTables.OpenConnection(path, KmsSyncMode.Normal);
        using (var tables = new KmsTables(connection))
        {
            tables.FoldFile(LogPath(path));
        }

        return query(connection);
    }

    /// <summary>
    /// Queues a visit. The writer counts the product's distinct clients seen within the window, this
    /// one included, and calls <paramref name="activate"/> with that count (on the writer, in arrival
    /// order, so it must be quick); an activation it returns is logged with the visit.
    /// </summary>
    /// <returns>The count (not capped), once the visit and its activation are written.</returns>
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
    public int CountHint(string product) => _seen.TryGetValue(product, out var clients) ? clients.Published : 0;

    /// <summary>Whether answers wait for the log to be flushed to the disk (<c>--sync full</c>).</summary>
    internal bool LogFlushesToDisk => _log.FlushesToDisk;

    /// <summary>Remembers a fact for <c>pk kms-host status</c>, e.g. the listening address.</summary>
    public void SetMeta(string name, string value)
    {
        lock (_gate)
        {
            KmsTables.Execute(_connection, "INSERT INTO meta (name, value) VALUES ($n, $v) ON CONFLICT (name) DO UPDATE SET value = $v;", ("$n", name), ("$v", value));
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

    /// <summary>Runs a read-only query on the tables, with every request answered so far folded in (used by tests).</summary>
    public T Read<T>(Func<SqliteConnection, T> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            FoldLogged();
            return query(_connection);
        }
    }

    /// <summary>Takes no more requests, writes and folds what is queued, then closes the files.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _foldNow.Set();
        _folder.Join();
        // Waits for a writer still at work, then becomes the writer for whatever it left queued.
        TakeWriter();
        try
        {
            WriteQueued();
            lock (_gate)
            {
                FoldLogged();
            }
        }
        finally
        {
            _log.Dispose();
            _tables.Dispose();
            _connection.Dispose();
            _ownerLock.Dispose();
            _foldNow.Dispose();
        }
    }

    internal static object? Scalar(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = KmsTables.Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    internal static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters) =>
        KmsTables.Command(connection, sql, parameters);

    private static string LogPath(string databasePath) => Path.ChangeExtension(Path.GetFullPath(databasePath), ".log");

    private static FileStream TakeOwnerLock(string databasePath)
    {
        var path = Path.ChangeExtension(Path.GetFullPath(databasePath), ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            // FileShare.None: an exclusive lock on the file (flock), dropped by the kernel when the process ends.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw KmsDataFolderBusyException.For(Path.GetDirectoryName(path)!, e);
        }
    }

    private Task<int> Enqueue(PendingWrite pending)
    {
        _queue.Enqueue(pending);
        if (_closed && _queue.TryDequeue(out var late))
        {
            // Closed meanwhile: whatever the closing writer did not take is refused, not left waiting.
            late.TrySetException(new ObjectDisposedException(nameof(KmsDatabase)));
        }

        WriteWhileQueued();
        return pending.Task;
    }

    /// <summary>
    /// Becomes the writer unless another thread is. Whoever is writing looks at the queue again after
    /// it stops, so a request queued just as the writer finished is never left behind.
    /// </summary>
    private void WriteWhileQueued()
    {
        while (!_queue.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            try
            {
                WriteQueued();
            }
            finally
            {
                Volatile.Write(ref _writing, 0);
            }
        }
    }

    private void TakeWriter()
    {
        var wait = new SpinWait();
        while (Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
        {
            wait.SpinOnce();
        }
    }

    /// <summary>As the writer: appends batches until the queue is empty. Never throws: a failed append fails its requests.</summary>
    private void WriteQueued()
    {
        while (!_queue.IsEmpty)
        {
            while (_batch.Count < MaxBatch && _queue.TryDequeue(out var next))
            {
                _batch.Add(next);
            }

            WriteBatch();
            _batch.Clear();
            _records.Clear();
        }
    }

    private void WriteBatch()
    {
        Array.Clear(_failed);
        for (var i = 0; i < _batch.Count; i++)
        {
            var pending = _batch[i];
            if (pending.Visit is not { } visit)
            {
                _records.Add(LoggedRecord.ForRefusal(pending.RefusalCode!, pending.RefusedClientState));
                continue;
            }

            var now = visit.At.ToUnixTimeSeconds();
            var clients = _seen.GetOrAdd(visit.Product, static _ => new SeenClients());
            clients.Forget(now - WindowSeconds);
            var before = clients.See(visit.Cmid, now);
            try
            {
                var activation = pending.Activate!(clients.Count);
                _counts[i] = clients.Count;
                _seenBefore[_records.Count] = before;
                _records.Add(LoggedRecord.ForVisit(visit, activation, returning: before is not null));
            }
#pragma warning disable CA1031 // The answer could not be prepared (e.g. signing failed): that request fails, not the batch.
            catch (Exception e)
#pragma warning restore CA1031
            {
                clients.Undo(visit.Cmid, now, before);
                _failed[i] = e;
            }
        }

        try
        {
            _log.Append(_records, _positions);
        }
#pragma warning disable CA1031 // Whatever failed the append fails every request in it; the writer must go on with the next batch.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Nothing of the batch is in the log: take back, newest first, what memory decided.
            for (var r = _records.Count - 1; r >= 0; r--)
            {
                if (_records[r].Visit is { } visit)
                {
                    _seen[visit.Product].Undo(visit.Cmid, visit.At.ToUnixTimeSeconds(), _seenBefore[r]);
                }
            }

            foreach (var pending in _batch)
            {
                pending.TrySetException(e);
            }

            return;
        }

        int waiting;
        lock (_loggedGate)
        {
            for (var r = 0; r < _records.Count; r++)
            {
                _logged.Add((_records[r], _positions[r]));
            }

            waiting = _logged.Count;
        }

        if (waiting >= FoldAtRecords)
        {
            _foldNow.Set();
        }

        for (var i = 0; i < _batch.Count; i++)
        {
            if (_failed[i] is { } error)
            {
                _batch[i].TrySetException(error);
            }
            else
            {
                _batch[i].TrySetResult(_counts[i]);
            }
        }
    }

    /// <summary>The folder thread: folds what the writer logged, and starts a long log afresh.</summary>
    private void FoldLoop()
    {
        while (!_closed)
        {
            _foldNow.WaitOne(FoldInterval);
            if (_closed)
            {
                return;
            }

            try
            {
                Fold();
            }
#pragma warning disable CA1031 // A fold that failed (e.g. the disk is full) is tried again: the records stay in the log and in memory.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    /// <summary>What the folder thread does each time: folds what was logged, and starts a long log afresh.</summary>
    internal void Fold()
    {
        lock (_gate)
        {
            FoldLogged();
        }

        if (_log.End >= _restartLogAt)
        {
            RestartLog();
        }
    }

    /// <summary>Applies what the writer logged to the tables (under <see cref="_gate"/>); on failure it stays for the next fold.</summary>
    private void FoldLogged()
    {
        List<(LoggedRecord, LogPosition)> taken;
        lock (_loggedGate)
        {
            if (_logged.Count == 0)
            {
                return;
            }

            taken = [.. _logged];
        }

        _tables.FoldLogged(taken);
        lock (_loggedGate)
        {
            _logged.RemoveRange(0, taken.Count);
        }
    }

    /// <summary>Holding the writer (requests queue meanwhile): folds the rest, empties the log, then writes what queued.</summary>
    private void RestartLog()
    {
        TakeWriter();
        try
        {
            lock (_gate)
            {
                FoldLogged();
                // Under the database's write lock: a fold from another process never reads a log being emptied.
                _tables.WhileLocked(_log.Restart);
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }

        WriteWhileQueued();
    }
}
