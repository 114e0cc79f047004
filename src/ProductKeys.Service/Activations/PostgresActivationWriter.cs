using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using ProductKeys.Data;
using ProductKeys.Data.Activations;

namespace ProductKeys.Service.Activations;

/// <summary>
/// PostgreSQL: MAK activations that consume are written in <b>batches per key</b>
/// (docs/adr/0028-hot-mak-batches.md). Every key belongs to one of a few lanes (by its id); a lane
/// takes everything queued to it, and per key runs <see cref="MakActivationSql.ConsumeAndRecordBatchOnPostgres"/>:
/// one statement, one commit, one lock of the key's row for the whole batch — where one statement per
/// activation queued every activation of a hot key on that row lock. Only after the commit is any
/// request in the batch answered. Exact across nodes as before: the statement locks the key's row and
/// counts the rows it inserted.
/// </summary>
internal sealed partial class PostgresActivationWriter : IAsyncDisposable
{
    /// <summary>Lanes run their statements at the same time (different keys); one key's batches run one after the other.</summary>
    private const int LaneCount = 8;

    private const int MaxBatch = 256;

    private readonly Lane[] _lanes;

    public PostgresActivationWriter(DatabaseSettings database, ILogger<PostgresActivationWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        // Built on SQLite too (the container makes both writers), where it is never used.
        var ownPool = database.Provider == DatabaseProvider.Postgres ? OwnPool(database.ConnectionString) : database.ConnectionString;
        _lanes = [.. Enumerable.Range(0, LaneCount).Select(_ => new Lane(ownPool, logger))];
    }

    /// <summary>
    /// The lanes' connections come from a pool of their own (another connection string is another
    /// pool in Npgsql), at most one per lane. Sharing the requests' pool deadlocked under load: every
    /// pooled connection held by a request waiting for its batch, and the batch waiting for a connection.
    /// </summary>
    internal static string OwnPool(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.ApplicationName = string.IsNullOrEmpty(builder.ApplicationName) ? "pk activation writer" : $"{builder.ApplicationName} (activation writer)";
        builder.MaxPoolSize = LaneCount;
        builder.MinPoolSize = 0;
        return builder.ConnectionString;
    }

    /// <summary>
    /// Queues the activation and completes once its batch is committed (or failed). Cancelling
    /// stops the wait, not the write: a batch may already hold it, and a device whose request was
    /// abandoned gets the recorded activation back for free the next time.
    /// </summary>
    public Task<MakConsumption> ConsumeAsync(MakActivation activation, long[] hashes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(activation);
        var lane = _lanes[(int)((uint)activation.KeyId.GetHashCode() % LaneCount)];
        return lane.Enqueue(new Pending(activation, hashes)).WaitAsync(ct);
    }

    /// <summary>Whether a lane's loop has ended: after disposal, or should it ever fail past its own recovery (readiness: Health/).</summary>
    public bool IsStopped => _lanes.Any(l => l.IsStopped);

    public async ValueTask DisposeAsync()
    {
        foreach (var lane in _lanes)
        {
            await lane.DisposeAsync();
        }
    }

    private sealed class Lane(string connectionString, ILogger logger) : IAsyncDisposable
    {
        private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new() { SingleReader = true });
        private readonly Lock _start = new();
        private volatile Task? _loop;

        public bool IsStopped => _loop is { IsCompleted: true };

        public Task<MakConsumption> Enqueue(Pending pending)
        {
            if (_loop is null)
            {
                lock (_start)
                {
                    _loop ??= Task.Run(RunAsync);
                }
            }

            ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), typeof(PostgresActivationWriter));
            return pending.Completion.Task;
        }

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
        }

        private async Task RunAsync()
        {
            try
            {
                var batch = new List<Pending>(MaxBatch);
                while (await _queue.Reader.WaitToReadAsync())
                {
                    batch.Clear();
                    while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
                    {
                        batch.Add(pending);
                    }

                    foreach (var group in batch.GroupBy(p => p.Activation.KeyId))
                    {
                        await WriteKeyAsync([.. group]);
                    }
                }
            }
            finally
            {
                // Should the loop ever end other than by disposal, nobody may wait for it forever.
                _queue.Writer.TryComplete();
                while (_queue.Reader.TryRead(out var orphan))
                {
                    orphan.Completion.TrySetException(new ObjectDisposedException(nameof(PostgresActivationWriter)));
                }
            }
        }

        private async Task WriteKeyAsync(List<Pending> group)
        {
            try
            {
                var results = await WriteKeyBatchAsync(connectionString, [.. group.Select(p => (p.Activation, p.Hashes))]);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Completion.TrySetResult(results[i]);
                }
            }
#pragma warning disable CA1031 // Whatever failed the statement fails every request waiting on it; the next batch opens a new connection.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogBatchFailed(logger, group.Count, e);
                foreach (var pending in group)
                {
                    pending.Completion.TrySetException(e);
                }
            }
        }
    }

    /// <summary>
    /// Writes one key's batch of new devices, in order, and says what became of each. A device
    /// skipped for a conflict (its hardware ID recorded meanwhile, or twice in the batch) left its
    /// activation unused, so the devices refused behind it get another round. Should a later round
    /// fail, earlier rounds stay committed: their devices hear an error and, asking again, get their
    /// recorded activation back for free.
    /// </summary>
    internal static async Task<MakConsumption[]> WriteKeyBatchAsync(string connectionString, IReadOnlyList<(MakActivation Activation, long[] Hashes)> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var results = new MakConsumption[batch.Count];
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var round = Enumerable.Range(0, batch.Count).ToList();
        while (round.Count > 0)
        {
            round = await WriteRoundAsync(connection, batch, round, results);
        }

        return results;
    }

    /// <returns>The positions to try again: refused for the limit while a conflict left activations unused.</returns>
    private static async Task<List<int>> WriteRoundAsync(NpgsqlConnection connection, IReadOnlyList<(MakActivation Activation, long[] Hashes)> batch, List<int> round, MakConsumption[] results)
    {
        var activations = round.Select(i => batch[i].Activation).ToArray();
        await using var command = new NpgsqlCommand(MakActivationSql.ConsumeAndRecordBatchOnPostgres, connection);
        command.Parameters.AddWithValue("key", activations[0].KeyId);
        command.Parameters.AddWithValue("product", activations[0].ProductId);
        command.Parameters.AddWithValue("ids", activations.Select(a => a.Id).ToArray());
        command.Parameters.AddWithValue("hardware", activations.Select(a => a.HardwareId).ToArray());
        command.Parameters.AddWithValue("now", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, activations.Select(a => a.ActivatedAt).ToArray());
        command.Parameters.AddWithValue("hash_owners", round.SelectMany(i => batch[i].Hashes.Select(_ => batch[i].Activation.Id)).ToArray());
        command.Parameters.AddWithValue("hashes", round.SelectMany(i => batch[i].Hashes).ToArray());

        long? available;
        int usedAfter;
        HashSet<Guid> inserted;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            available = reader.IsDBNull(0) ? null : reader.GetInt64(0);
            usedAfter = reader.IsDBNull(1) ? 0 : reader.GetInt32(1);
            inserted = [.. reader.GetFieldValue<Guid[]>(2)];
        }

        // Inserted devices counted in the batch's order: the key's count after each of them.
        var used = usedAfter - inserted.Count;
        var window = Math.Max(0, available ?? 0);
        var conflicts = 0;
        var retry = new List<int>();
        for (var n = 0; n < round.Count; n++)
        {
            var position = round[n];
            if (inserted.Contains(activations[n].Id))
            {
                results[position] = new MakConsumption(MakConsumptionResult.Consumed, ++used);
            }
            else if (n < window)
            {
                conflicts++;
                results[position] = MakConsumption.AlreadyRecorded;
            }
            else if (conflicts > 0)
            {
                retry.Add(position);
            }
            else
            {
                results[position] = MakConsumption.Refused;
            }
        }

        return retry;
    }

    [LoggerMessage(EventId = 4011, Level = LogLevel.Error, Message = "A batch of {Count} MAK activations of one key could not be written; those not answered yet were not consumed")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);

    private sealed record Pending(MakActivation Activation, long[] Hashes)
    {
        public TaskCompletionSource<MakConsumption> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
