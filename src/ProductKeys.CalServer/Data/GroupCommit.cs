using Microsoft.Data.Sqlite;

namespace ProductKeys.CalServer.Data;

/// <summary>
/// Group commit for the CAL ledger's requests (docs/adr/0018-cal-server.md): each request's work runs on
/// the one connection, in queue order, inside a transaction begun IMMEDIATE that the requests queued
/// together share, so one commit (one fsync under <c>synchronous=FULL</c>) serves them all. A request
/// is answered only after the commit that holds its writes; its work sees the writes of the requests
/// before it, exactly as if each had its own transaction, and one that throws is rolled back alone
/// (a savepoint per request).
/// </summary>
/// <param name="statements">The ledger's connection's prepared statements (the transaction's own among them).</param>
/// <param name="gate">Who may use the connection: whoever holds it runs every request queued so far.</param>
/// <param name="durability">Flushes a committed batch to the disk when one of its requests asked for it, before any answer.</param>
internal sealed class GroupCommit(PreparedStatements statements, SemaphoreSlim gate, CommitDurability durability)
{
    private readonly List<IQueued> _queue = [];

    private interface IQueued
    {
        /// <summary>Runs the work; its result is kept until <see cref="Answer"/>.</summary>
        void Run();

        /// <summary>The commit holding the work's writes is done: hand out the result.</summary>
        void Answer();

        void Fail(Exception exception);
    }

    /// <summary>Queues <paramref name="work"/> (synchronous SQL on the connection, no transaction of its own) and waits for the commit that holds it.</summary>
    /// <param name="work">The request's reads and writes.</param>
    /// <param name="cancellationToken">Checked before queueing only: once queued, the work runs and commits with its batch.</param>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var mine = new Queued<T>(work);
        lock (_queue)
        {
            _queue.Add(mine);
        }

        await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            // Whoever held the gate before ran every request queued until then, to the end: if ours
            // is not done, it is still queued, and we run it with all that queued after it.
            if (!mine.Done)
            {
                List<IQueued> batch;
                lock (_queue)
                {
                    batch = [.. _queue];
                    _queue.Clear();
                }

                RunBatch(batch);
            }
        }
        finally
        {
            gate.Release();
        }

        return await mine.Result.ConfigureAwait(false);
    }

    private void RunBatch(List<IQueued> batch)
    {
        // The transaction and savepoints are statements of their own, prepared once like the requests'
        // (a SqliteTransaction object would prepare its SAVEPOINT, RELEASE and ROLLBACK TO anew each time).
        var ran = new List<IQueued>(batch.Count);
        var open = false;
        durability.Reset();
        try
        {
            statements.Execute("BEGIN IMMEDIATE");
            open = true;
            foreach (var request in batch)
            {
                statements.Execute("SAVEPOINT request");
                try
                {
                    request.Run();
                    statements.Execute("RELEASE request");
                    ran.Add(request);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    statements.Execute("ROLLBACK TO request");
                    statements.Execute("RELEASE request");
                    request.Fail(e);
                }
            }

            statements.Execute("COMMIT");
            open = false;
            durability.AfterCommit();
        }
        catch (Exception e)
        {
            // Nothing of the batch was committed (or it could not even begin), or its flush failed: none of it
            // is answered. (A committed batch whose flush failed is recorded: a device asking again gets its CAL back.)
            foreach (var request in batch)
            {
                request.Fail(e);
            }

            if (e is OutOfMemoryException)
            {
                throw;
            }

            return;
        }
        finally
        {
            // Whatever ended the batch early, the write lock is not kept: other processes and the next batch need it.
            if (open)
            {
                RollBack();
            }
        }

        foreach (var request in ran)
        {
            request.Answer();
        }
    }

    /// <summary>Ends a failed batch's transaction, if SQLite has not already (a failed COMMIT may leave it open).</summary>
    private void RollBack()
    {
        try
        {
            statements.Execute("ROLLBACK");
        }
        catch (SqliteException)
        {
            // No transaction was open any more: nothing to undo.
        }
    }

    private sealed class Queued<T>(Func<T> work) : IQueued
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _value;

        /// <summary>Answered or failed (set before the gate is released).</summary>
        public bool Done => _result.Task.IsCompleted;

        public Task<T> Result => _result.Task;

        public void Run() => _value = work();

        public void Answer() => _result.TrySetResult(_value!);

        public void Fail(Exception exception) => _result.TrySetException(exception);
    }
}
