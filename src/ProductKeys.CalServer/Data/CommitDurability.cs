using Microsoft.Data.Sqlite;

namespace ProductKeys.CalServer.Data;

/// <summary>
/// How the ledger's commits reach the disk (<see cref="CalSyncMode"/>, docs/adr/0018-cal-server.md "Durability").
/// In <see cref="CalSyncMode.Auto"/> the connection runs <c>synchronous=NORMAL</c> (a commit is in the operating
/// system before its answers leave: a killed process loses nothing), and a batch that granted or renewed a
/// permanent device CAL is flushed to the disk before its answers leave: one more tiny commit with
/// <c>synchronous=FULL</c>, whose fsync of the write-ahead log carries the batch's frames with it. SQLite's own
/// sync, not a hand-made one: the log's header, its first sync of the directory and its checksums stay SQLite's.
/// </summary>
internal sealed class CommitDurability(PreparedStatements statements, CalSyncMode mode)
{
    private bool _flushNeeded;

    public CalSyncMode Mode => mode;

    /// <summary>How many times a batch was flushed for a permanent device CAL (tests read it; it survives restarts).</summary>
    public const string FlushCountSql = "SELECT n FROM flushes WHERE id = 1";

    /// <summary>Sets the connection's <c>synchronous</c> for <see cref="Mode"/>; outside any transaction.</summary>
    public void Apply() => statements.Execute(mode == CalSyncMode.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");

    /// <summary>The batch being run holds a write that must survive a power cut (a permanent device CAL granted or renewed).</summary>
    public void Require() => _flushNeeded = true;

    /// <summary>A new batch begins: nothing of an earlier, failed one is carried over.</summary>
    public void Reset() => _flushNeeded = false;

    /// <summary>After the batch's COMMIT and before any of its answers: the flush, when <see cref="Mode"/> is auto and the batch needs it.</summary>
    public void AfterCommit()
    {
        var needed = _flushNeeded;
        _flushNeeded = false;
        if (!needed || mode != CalSyncMode.Auto)
        {
            return; // normal: never flushed; full: every commit already was
        }

        statements.Execute("PRAGMA synchronous = FULL");
        try
        {
            statements.Execute("BEGIN IMMEDIATE");
            try
            {
                statements.Execute("UPDATE flushes SET n = n + 1 WHERE id = 1");
                statements.Execute("COMMIT");
            }
            catch (SqliteException)
            {
                RollBack();
                throw;
            }
        }
        finally
        {
            statements.Execute("PRAGMA synchronous = NORMAL");
        }
    }

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
}
