using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Kms;
using ProductKeys.Hosting;

namespace ProductKeys.KmsHost.Counting;

/// <summary>
/// The serving host's count store (docs/adr/0003-kms-count-persistence.md, docs/adr/0011-kms-visit-log.md).
/// Requests queue their visit; the first request that finds nobody writing becomes the writer: it
/// takes everything pending, decides each visit's count in arrival order (from the clients in the
/// window, kept in memory), appends the lot to the visit log with one write and completes the
/// requests only after that write; after a few batches it hands the rest of the queue to the
/// thread pool, so no request waits on others' work for long. So an answer the host gave is never
/// lost when the host process dies (with <see cref="KmsSyncMode.Full"/>, not on a power loss either:
/// one flush per batch), the count is exact however many requests arrive at once, and a request that
/// arrives while nobody writes is answered with no hand-over to another thread. A background thread
/// folds the log into the SQLite tables (<c>kms.db</c>) in large transactions, and starts the log
/// afresh once it is long and folded. One host per data folder: <c>kms.lock</c> says which.
/// </summary>
internal sealed partial class KmsDatabase : IDisposable, IAsyncDisposable
{
    /// <summary>Most requests in one append: bounds the write, not the queue.</summary>
    private const int MaxBatch = 512;

    /// <summary>Batches a request's thread writes as the writer before it hands the queue to the thread pool.</summary>
    private const int BatchesPerTurn = 2;

    /// <summary>Records waiting for a fold that make the folder start one at once.</summary>
    private const int FoldAtRecords = 4096;

    /// <summary>How often the folder looks for records to fold when fewer wait.</summary>
    private static readonly TimeSpan DefaultFoldInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the folder waits after a failed fold before it tries again.</summary>
    private static readonly TimeSpan FoldRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>A log longer than this (and folded) is started afresh, unless the host is opened with another length.</summary>
    private const long RestartLogAtBytes = 16 * 1024 * 1024;

    private static readonly long WindowSeconds = (long)KmsProtocol.CountWindow.TotalSeconds;

    private readonly SqliteConnection _connection;
    private readonly KmsTables _tables;
    private readonly VisitLog _log;
    private readonly DataFolderLock _ownerLock;
    private readonly long _restartLogAt;
    private readonly TimeSpan _foldInterval;
    private readonly ILogger _logger;
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

    // 1 while the folder or Dispose waits to take the writer: requests then only queue, and the writer stops after its batch.
    private volatile int _writerWanted;
    private volatile bool _closed;
    private int _disposed;

    private KmsDatabase(SqliteConnection connection, KmsTables tables, VisitLog log, DataFolderLock ownerLock, long restartLogAt, TimeSpan foldInterval, ILogger logger)
    {
        _connection = connection;
        _tables = tables;
        _log = log;
        _ownerLock = ownerLock;
        _restartLogAt = restartLogAt;
        _foldInterval = foldInterval;
        _logger = logger;
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
    /// <param name="logger">Where fold failures and a damaged log are reported.</param>
    /// <exception cref="KmsDataFolderBusyException">Another host serves this folder.</exception>
    public static KmsDatabase Open(string path, KmsSyncMode sync = KmsSyncMode.Normal, ILogger? logger = null) =>
        Open(path, sync, logger, RestartLogAtBytes, DefaultFoldInterval);

    /// <inheritdoc cref="Open(string, KmsSyncMode, ILogger?)"/>
    /// <param name="path">The database file (<c>kms.db</c>); the log and the lock sit next to it.</param>
    /// <param name="sync">How far each append is pushed to disk before a request completes.</param>
    /// <param name="logger">Where fold failures and a damaged log are reported.</param>
    /// <param name="restartLogAt">The log's length at which it is started afresh once folded (tests make it short).</param>
    /// <param name="foldInterval">How often the folder thread folds (tests make it never, and fold themselves).</param>
    internal static KmsDatabase Open(string path, KmsSyncMode sync, ILogger? logger, long restartLogAt, TimeSpan foldInterval)
    {
        logger ??= NullLogger.Instance;
        var ownerLock = TakeOwnerLock(path);
        SqliteConnection? connection = null;
        KmsTables? tables = null;
        VisitLog? log = null;
        try
        {
            connection = KmsTables.OpenConnection(path, sync);
            tables = new KmsTables(connection);
            var logPath = LogPath(path);
            var (applied, unreadBytes) = tables.FoldFile(logPath);
            if (unreadBytes > 0)
            {
                // The tail of a write the last host died in, or damage: kept for a look, never applied.
                var kept = $"{logPath}.unread-{Guid.NewGuid():N}";
                try
                {
                    File.Copy(logPath, kept);
                }
                catch (IOException e)
                {
                    kept = $"nowhere ({e.Message})";
                }

                LogUnreadTail(logger, unreadBytes, applied, kept);
            }

            tables.MakeFoldsDurable();

            // In its own transaction, after the fold is on disk: a host dying in between folds nothing twice.
            tables.WhileLocked(() => log = VisitLog.StartAfresh(logPath, sync == KmsSyncMode.Full));
            return new KmsDatabase(connection, tables, log!, ownerLock, restartLogAt, foldInterval, logger);
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

    /// <summary>The visit log (tests inject failures through its seams).</summary>
    internal VisitLog Log => _log;

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
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
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

    private static string LogPath(string databasePath) => Path.ChangeExtension(Path.GetFullPath(databasePath), ".log");

    /// <summary>
    /// Whether a host serves the folder of <paramref name="databasePath"/> now: it holds <c>kms.lock</c>,
    /// which the kernel releases when the host ends, however it ended (<see cref="DataFolderLock"/>).
    /// </summary>
    public static bool IsServed(string databasePath) => DataFolderLock.IsHeld(LockPath(databasePath));

    /// <summary>
    /// <c>STORE_INVALID</c> naming <paramref name="databasePath"/> when SQLite cannot use the file at all (not a database,
    /// damaged, a folder in its place), else <c>null</c>. The count is the only thing kms.db holds that the host needs, and
    /// clients are counted again as they renew (docs/adr/0003-kms-count-persistence.md).
    /// </summary>
    public static Refusal? Unusable(string databasePath, SqliteException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        const int Corrupt = 11, CannotOpen = 14, NotADatabase = 26;
        return exception.SqliteErrorCode is Corrupt or CannotOpen or NotADatabase
            ? new Refusal(ErrorCatalogue.StoreInvalid,
                $"{Path.GetFullPath(databasePath)} cannot be used: {exception.Message} Restore it from a backup, or move it aside and start the host again: "
                + "a new one counts the clients again as they renew (within 7 days by default).")
            : null;
    }

    private static string LockPath(string databasePath) => Path.ChangeExtension(Path.GetFullPath(databasePath), ".lock");

    private static DataFolderLock TakeOwnerLock(string databasePath)
    {
        var taken = DataFolderLock.Take(LockPath(databasePath), "KMS host");
        return taken.IsSuccess ? taken.Value : throw new KmsDataFolderBusyException(taken.Refusal.Detail);
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
    /// Becomes the writer unless another thread is (or the folder waits for it), for a few batches.
    /// Whoever stops writing looks at the queue again after letting go, so a request queued just as
    /// the writer finished is never left behind; what is still queued after a turn goes on in the thread pool.
    /// </summary>
    private void WriteWhileQueued()
    {
        while (!_queue.IsEmpty && _writerWanted == 0 && Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            bool more;
            try
            {
                more = WriteQueued(BatchesPerTurn);
            }
            finally
            {
                // A full fence: the look at the queue above must not move before this release.
                Interlocked.Exchange(ref _writing, 0);
            }

            if (more)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static database => database.WriteWhileQueued(), this, preferLocal: false);
                return;
            }
        }
    }

    /// <summary>Takes the writer from the requests (they queue meanwhile); give it back with <see cref="ReleaseWriter"/>.</summary>
    private void TakeWriter()
    {
        _writerWanted = 1;
        var wait = new SpinWait();
        while (Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
        {
            wait.SpinOnce();
        }

        _writerWanted = 0;
    }

    /// <summary>Gives the writer back and writes whatever queued meanwhile.</summary>
    private void ReleaseWriter()
    {
        Interlocked.Exchange(ref _writing, 0);
        WriteWhileQueued();
    }

    /// <summary>As the writer: appends batches while the queue has some, at most <paramref name="batches"/>. Never throws: a failed append fails its requests.</summary>
    /// <returns>Whether requests are still queued.</returns>
    private bool WriteQueued(int batches = int.MaxValue)
    {
        while (!_queue.IsEmpty)
        {
            if (batches-- == 0 || _writerWanted != 0)
            {
                return true;
            }

            while (_batch.Count < MaxBatch && _queue.TryDequeue(out var next))
            {
                _batch.Add(next);
            }

            WriteBatch();
            _batch.Clear();
            _records.Clear();
        }

        return false;
    }

    private void WriteBatch()
    {
        Array.Clear(_failed, 0, _batch.Count);
        if (_log.NeedsRestart && TryRestartLog() is { } unusable)
        {
            foreach (var pending in _batch)
            {
                pending.TrySetException(unusable);
            }

            return;
        }

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
            _foldNow.WaitOne(_foldInterval);
            if (_closed)
            {
                return;
            }

            try
            {
                Fold();
            }
#pragma warning disable CA1031 // A fold that failed (e.g. the disk is full) is tried again: the records stay in the log and in memory.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogFoldFailed(_logger, e);
                // Not again at once: a full disk or a locked database does not clear in a quarter second.
                Thread.Sleep(FoldRetryDelay);
            }

            // A backstop: requests queued and nobody writing them (never expected) are written now.
            WriteWhileQueued();
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
            TakeWriter();
            try
            {
                if (TryRestartLog() is { } failed)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
                }
            }
            finally
            {
                ReleaseWriter();
            }
        }
    }

    /// <summary>
    /// As the writer: folds the rest of the log, makes the folds durable, and starts the log afresh
    /// (inside the database's write lock, so a fold from another process never reads a log being emptied).
    /// </summary>
    /// <returns><c>null</c> when the log was started afresh, else why not (it is tried again later).</returns>
    private Exception? TryRestartLog()
    {
        try
        {
            lock (_gate)
            {
                FoldLogged();
                _tables.MakeFoldsDurable();
                _tables.WhileLocked(_log.Restart);
                return null;
            }
        }
#pragma warning disable CA1031 // The caller decides: the folder tries again, a batch waiting for a usable log fails.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return e;
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Folding the KMS visit log into kms.db failed; the records stay in the log and are folded on the next try")]
    private static partial void LogFoldFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning,
        Message = "The KMS visit log ended with {UnreadBytes} bytes that are not a complete record (the host died mid-write, or the file is damaged); {Applied} records before them were folded, the file is kept as {KeptAs}")]
    private static partial void LogUnreadTail(ILogger logger, long unreadBytes, int applied, string keptAs);

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
}
