using Microsoft.Data.Sqlite;
using ProductKeys.Data;
using ProductKeys.Service.Activations;

namespace ProductKeys.Service.Tests.Activations;

/// <summary>
/// The SQLite connections the activation path keeps open for its read (docs/adr/0030-sqlite-activation-costs.md):
/// a kept connection and its prepared statement see every commit made since, by any connection; a read
/// that fails leaves the pool usable; no more than the kept number stay open; they only read.
/// </summary>
public sealed class SqliteKeyReadsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-key-reads-").FullName;
    private readonly DatabaseSettings _database;

    public SqliteKeyReadsTests()
    {
        _database = DatabaseSettings.ForDataDirectory(_folder);
        Execute("PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, status TEXT NOT NULL); INSERT INTO t VALUES (1, 'Active');");
    }

    [Fact]
    public void A_kept_connection_reads_what_was_committed_after_its_statement_was_prepared()
    {
        using var reads = new SqliteKeyReads(_database);
        Assert.Equal("Active", Status(reads));
        Assert.Equal(1, reads.IdleCount);

        Execute("UPDATE t SET status = 'Blocked' WHERE id = 1;");

        Assert.Equal("Blocked", Status(reads));
        Assert.Equal(1, reads.IdleCount); // the same connection, read again
    }

    [Fact]
    public void A_read_left_half_way_holds_no_snapshot_once_its_lease_is_given_back()
    {
        using var reads = new SqliteKeyReads(_database);
        Execute("INSERT INTO t VALUES (2, 'Active'), (3, 'Active');");
        using (var lease = reads.Rent())
        {
            // As the key lookup does when the key is unknown: one row of the first result, the second never asked for.
            using var reader = lease.Command("SELECT status FROM t; SELECT id FROM t;").ExecuteReader();
            Assert.True(reader.Read());
        }

        // A snapshot still held would keep a full checkpoint from finishing (busy = 1).
        Execute("UPDATE t SET status = 'Blocked' WHERE id = 1;");
        Assert.Equal(0L, Scalar("PRAGMA wal_checkpoint(TRUNCATE);"));
        Assert.Equal("Blocked", Status(reads));
    }

    [Fact]
    public void Its_connections_only_read_and_do_not_go_back_to_the_shared_pool()
    {
        using (var reads = new SqliteKeyReads(_database))
        using (var lease = reads.Rent())
        {
            var write = lease.Command("UPDATE t SET status = 'Blocked' WHERE id = 1;");
            Assert.Equal(8, Assert.Throws<SqliteException>(() => write.ExecuteNonQuery()).SqliteErrorCode); // SQLITE_READONLY
        }

        // Every connection of the shared pool still writes.
        Execute("UPDATE t SET status = 'Blocked' WHERE id = 1;");
        Assert.Equal("Blocked", Scalar("SELECT status FROM t WHERE id = 1;"));
    }

    [Fact]
    public void A_read_that_fails_leaves_the_connections_usable()
    {
        using var reads = new SqliteKeyReads(_database);
        using (var lease = reads.Rent())
        {
            Assert.Throws<SqliteException>(() => lease.Command("SELECT no_such_column FROM t;").ExecuteScalar());
        }

        Assert.Equal("Active", Status(reads));
    }

    [Fact]
    public void Under_load_more_connections_open_and_at_most_sixteen_are_kept()
    {
        using var reads = new SqliteKeyReads(_database);
        var leases = Enumerable.Range(0, 40).Select(_ => reads.Rent()).ToList();
        foreach (var lease in leases)
        {
            Assert.Equal("Active", lease.Command("SELECT status FROM t WHERE id = 1;").ExecuteScalar());
        }

        leases.ForEach(l => l.Dispose());
        Assert.Equal(16, reads.IdleCount);
    }

    [Fact]
    public void A_lease_disposed_twice_gives_its_connection_back_once()
    {
        using var reads = new SqliteKeyReads(_database);
        var lease = reads.Rent();
        lease.Dispose();
        lease.Dispose();

        Assert.Equal(1, reads.IdleCount);
        Assert.Throws<ObjectDisposedException>(() => lease.Command("SELECT 1;"));
    }

    [Fact]
    public void After_disposal_it_rents_nothing_and_keeps_nothing()
    {
        var reads = new SqliteKeyReads(_database);
        var lease = reads.Rent();
        reads.Dispose();
        lease.Dispose();

        Assert.Equal(0, reads.IdleCount);
        Assert.Throws<ObjectDisposedException>(() => reads.Rent());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static string? Status(SqliteKeyReads reads)
    {
        using var lease = reads.Rent();
        var command = lease.Command("SELECT status FROM t WHERE id = @id;");
        var id = command.CreateParameter();
        id.ParameterName = "id";
        id.Value = 1;
        command.Parameters.Add(id);
        return (string?)command.ExecuteScalar();
    }

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection(_database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection(_database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
