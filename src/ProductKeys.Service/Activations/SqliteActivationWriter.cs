using System.Globalization;
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
/// takes everything queued, and in one <c>BEGIN IMMEDIATE</c> transaction gives each its own
/// savepoint — the conditional UPDATE of <see cref="ActivationLimit"/>, then the INSERTs — commits
/// once (one fsync for the batch, <c>synchronous=FULL</c>) and only then answers each request.
/// Exactness is the database's, as before: each UPDATE sees the counts of those before it.
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
    private SqliteCommand? _consume;
    private SqliteCommand? _savepoint;
    private SqliteCommand? _release;
    private SqliteCommand? _rollbackToSavepoint;
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
                    results = Write(batch);
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

    private MakConsumption[] Write(List<Pending> batch)
    {
        var connection = Open();
        var results = new MakConsumption[batch.Count];
        using var transaction = connection.BeginTransaction(deferred: false);
        for (var i = 0; i < batch.Count; i++)
        {
            results[i] = WriteOne(connection, transaction, batch[i]);
        }

        transaction.Commit();
        return results;
    }

    private MakConsumption WriteOne(SqliteConnection connection, SqliteTransaction transaction, Pending pending)
    {
        var (activation, hashes) = (pending.Activation, pending.Hashes);
        Run(_savepoint!, transaction);
        var consume = _consume!;
        consume.Transaction = transaction;
        consume.Parameters["@key"].Value = MakActivationRows.SqliteGuid(activation.KeyId);
        if (consume.ExecuteScalar() is not { } used)
        {
            Run(_release!, transaction);
            return MakConsumption.Refused;
        }

        var insert = Insert(connection, hashes.Length);
        insert.Transaction = transaction;
        insert.Parameters["@id"].Value = MakActivationRows.SqliteGuid(activation.Id);
        insert.Parameters["@key"].Value = MakActivationRows.SqliteGuid(activation.KeyId);
        insert.Parameters["@product"].Value = activation.ProductId;
        insert.Parameters["@hardware"].Value = activation.HardwareId;
        insert.Parameters["@now"].Value = activation.ActivatedAt;
        for (var i = 0; i < hashes.Length; i++)
        {
            insert.Parameters[MakActivationSql.HashName(i)].Value = hashes[i];
        }

        try
        {
            insert.ExecuteNonQuery();
        }
        catch (SqliteException e) when (UniqueViolation.Is(e))
        {
            Run(_rollbackToSavepoint!, transaction);
            Run(_release!, transaction);
            return MakConsumption.AlreadyRecorded;
        }

        Run(_release!, transaction);
        return new MakConsumption(MakConsumptionResult.Consumed, Convert.ToInt32(used, CultureInfo.InvariantCulture));
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

        _consume = Command(connection, ActivationLimit.ConsumeSql);
        _consume.Parameters.Add("@key", SqliteType.Text);
        // Every activation in a batch runs these: prepared once per connection, like the UPDATE.
        _savepoint = Command(connection, "SAVEPOINT activation");
        _release = Command(connection, "RELEASE activation");
        _rollbackToSavepoint = Command(connection, "ROLLBACK TO activation");
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
        foreach (var command in new[] { _consume, _savepoint, _release, _rollbackToSavepoint })
        {
            command?.Dispose();
        }

        (_consume, _savepoint, _release, _rollbackToSavepoint) = (null, null, null, null);
        _connection?.Dispose();
        _connection = null;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void Run(SqliteCommand command, SqliteTransaction transaction)
    {
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Error, Message = "A batch of {Count} MAK activations could not be written; nothing in it was consumed")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);

    private sealed record Pending(MakActivation Activation, long[] Hashes)
    {
        public TaskCompletionSource<MakConsumption> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
