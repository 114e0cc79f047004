using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using ProductKeys.Data;
using ProductKeys.Data.Activations;
using ProductKeys.Data.Keys;

namespace ProductKeys.Service.Activations;

/// <summary>
/// SQLite: MAK activations that consume are written by <b>one writer</b> in group commits
/// (docs/adr/0010-mak-consumption-write-paths.md). Requests queue their activation; the writer
/// takes everything queued, and in one <c>BEGIN IMMEDIATE</c> transaction writes each key's share
/// as a batch (docs/adr/0028-hot-mak-batches.md): reads what the key has left, records its devices
/// in order up to that, adds the number recorded to its count (<see cref="ActivationLimit"/>) —
/// commits once (one fsync for the batch, <c>synchronous=FULL</c>) and only then answers each
/// request. Exact on any number of processes: SQLite's write lock is held from the read to the commit.
/// </summary>
internal sealed partial class SqliteActivationWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new() { SingleReader = true });
    private readonly Lock _start = new();
    private readonly string _connectionString;
    private readonly SqliteWriteGate _gate;
    private readonly ILogger<SqliteActivationWriter> _logger;
    private readonly Dictionary<int, SqliteCommand> _inserts = [];
    private SqliteConnection? _connection;
    private SqliteCommand? _available;
    private SqliteCommand? _addUsed;
    private volatile Task? _loop;

    public SqliteActivationWriter(DatabaseSettings database, SqliteWriteGate gate, ILogger<SqliteActivationWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        _connectionString = database.ConnectionString;
        _gate = gate;
        _logger = logger;
    }

    /// <summary>
    /// Queues the activation and completes once its batch is committed (or failed). Cancelling
    /// stops the wait, not the write: a batch may already hold it, and a device whose request was
    /// abandoned gets the recorded activation back for free the next time.
    /// </summary>
    public Task<MakConsumption> ConsumeAsync(MakActivation activation, long[] hashes, CancellationToken ct)
    {
        var pending = new Pending(activation, hashes);
        EnsureStarted();
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
        return pending.Completion.Task.WaitAsync(ct);
    }

    /// <summary>Whether the writer's loop has ended: after disposal, or should it ever fail past its own recovery (readiness: Health/).</summary>
    public bool IsStopped => _loop is { IsCompleted: true };

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Task? loop;
        lock (_start)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop;
        }

        Close();
    }

    private void EnsureStarted()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_start)
        {
            _loop ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await WriteBatchesAsync();
        }
        finally
        {
            // Should the loop ever end other than by disposal, nobody may wait for it forever:
            // refuse new work and fail what is queued.
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var orphan))
            {
                orphan.Completion.TrySetException(new ObjectDisposedException(nameof(SqliteActivationWriter)));
            }
        }
    }

    private async Task WriteBatchesAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                MakConsumption[] results;
                // The process's other SQLite writers (re-activations) take turns with the batches
                // here rather than in SQLite's busy handler, which backs off in long sleeps.
                using (await _gate.EnterAsync(CancellationToken.None))
                {
                    results = Write([.. batch.Select(p => (p.Activation, p.Hashes))]);
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(results[i]);
                }
            }
#pragma warning disable CA1031 // Whatever failed the batch fails every request in it; the writer goes on with a new connection.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogBatchFailed(_logger, batch.Count, e);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(e);
                }

                Close();
            }
        }
    }

    /// <summary>
    /// Writes one batch in one transaction and says what became of each activation, in the batch's
    /// order. Runs on the writer's loop; tests call it directly to write a batch of their choosing.
    /// </summary>
    internal MakConsumption[] Write(IReadOnlyList<(MakActivation Activation, long[] Hashes)> batch)
    {
        var connection = Open();
        var results = new MakConsumption[batch.Count];
        using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var key in Enumerable.Range(0, batch.Count).GroupBy(i => batch[i].Activation.KeyId))
        {
            WriteKey(connection, transaction, key.Key, [.. key], batch, results);
        }

        transaction.Commit();
        return results;
    }

    /// <summary>
    /// One key's devices, in the order they came: recorded while the key has activations left; a
    /// hardware ID the key already has (a concurrent duplicate) records and consumes nothing; then
    /// the key's count goes up by exactly the number recorded (<see cref="ActivationLimit"/>).
    /// </summary>
    private void WriteKey(SqliteConnection connection, SqliteTransaction transaction, Guid keyId, List<int> positions, IReadOnlyList<(MakActivation Activation, long[] Hashes)> batch, MakConsumption[] results)
    {
        var key = MakActivationRows.SqliteGuid(keyId);
        var available = _available!;
        available.Transaction = transaction;
        available.Parameters["@key"].Value = key;
        long used = 0, left = 0;
        using (var reader = available.ExecuteReader())
        {
            if (reader.Read())
            {
                (used, left) = (reader.GetInt64(0), reader.GetInt64(1));
            }
        }

        var recorded = 0;
        foreach (var position in positions)
        {
            if (recorded >= left)
            {
                results[position] = MakConsumption.Refused;
                continue;
            }

            var (activation, hashes) = (batch[position].Activation, batch[position].Hashes);
            var insert = Insert(connection, hashes.Length);
            insert.Transaction = transaction;
            insert.Parameters["@id"].Value = MakActivationRows.SqliteGuid(activation.Id);
            insert.Parameters["@key"].Value = key;
            insert.Parameters["@product"].Value = activation.ProductId;
            insert.Parameters["@hardware"].Value = activation.HardwareId;
            insert.Parameters["@now"].Value = activation.ActivatedAt;
            for (var i = 0; i < hashes.Length; i++)
            {
                insert.Parameters[MakActivationSql.HashName(i)].Value = hashes[i];
            }

            if (insert.ExecuteNonQuery() == 0)
            {
                results[position] = MakConsumption.AlreadyRecorded;
                continue;
            }

            recorded++;
            results[position] = new MakConsumption(MakConsumptionResult.Consumed, checked((int)(used + recorded)));
        }

        if (recorded > 0)
        {
            var add = _addUsed!;
            add.Transaction = transaction;
            add.Parameters["@key"].Value = key;
            add.Parameters["@count"].Value = recorded;
            add.ExecuteNonQuery();
        }
    }

    private SqliteConnection Open()
    {
        if (_connection is not null)
        {
            return _connection;
        }

        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // As EF Core opens its connections: foreign keys enforced. FULL: the commit is on disk
        // (the WAL fsynced) before any request in the batch is answered.
        using (var pragmas = Command(connection, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"))
        {
            pragmas.ExecuteNonQuery();
        }

        // Every batch runs these: prepared once per connection.
        _available = Command(connection, ActivationLimit.AvailableSql);
        _available.Parameters.Add("@key", SqliteType.Text);
        _addUsed = Command(connection, ActivationLimit.AddUsedSql);
        _addUsed.Parameters.Add("@key", SqliteType.Text);
        _addUsed.Parameters.Add("@count", SqliteType.Integer);
        _connection = connection;
        return connection;
    }

    /// <summary>The activation and its hashes in one command, kept per number of hashes.</summary>
    private SqliteCommand Insert(SqliteConnection connection, int hashCount)
    {
        if (_inserts.TryGetValue(hashCount, out var cached))
        {
            return cached;
        }

        var command = Command(connection, MakActivationSql.Record(hashCount));
        foreach (var name in new[] { "@id", "@key", "@product", "@hardware", "@now" })
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        for (var i = 0; i < hashCount; i++)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = MakActivationSql.HashName(i) });
        }

        _inserts[hashCount] = command;
        return command;
    }

    private void Close()
    {
        foreach (var command in _inserts.Values)
        {
            command.Dispose();
        }

        _inserts.Clear();
        _available?.Dispose();
        _addUsed?.Dispose();
        (_available, _addUsed) = (null, null);
        _connection?.Dispose();
        _connection = null;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Error, Message = "A batch of {Count} MAK activations could not be written; nothing in it was consumed")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);

    private sealed record Pending(MakActivation Activation, long[] Hashes)
    {
        public TaskCompletionSource<MakConsumption> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
