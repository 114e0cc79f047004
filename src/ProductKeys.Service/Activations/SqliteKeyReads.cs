using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using ProductKeys.Data;

namespace ProductKeys.Service.Activations;

/// <summary>
/// SQLite: the activation path's read (<see cref="IssuedKeyLookup"/>: the key's row and the device's
/// candidates) on connections kept open with their statements prepared
/// (docs/adr/0030-sqlite-activation-costs.md). Through EF Core's connection the read was opened,
/// parsed and closed on every request — about a quarter of an activation's CPU in the service.
/// PostgreSQL does not use this (Npgsql pools connections and prepares statements itself).
/// </summary>
internal sealed class SqliteKeyReads : IDisposable
{
    /// <summary>Connections kept between requests; more are opened under load and closed when returned.</summary>
    private const int Kept = 16;

    private readonly ConcurrentBag<ReadConnection> _idle = [];
    private readonly string _connectionString;
    private int _kept;
    private volatile bool _disposed;

    public SqliteKeyReads(DatabaseSettings database)
    {
        ArgumentNullException.ThrowIfNull(database);
        // Not from Microsoft.Data.Sqlite's pool, nor back to it: these connections are read-only, and
        // one handed to EF Core afterwards would refuse its writes. (Built on PostgreSQL too, never used there.)
        _connectionString = database.Provider == DatabaseProvider.Sqlite
            ? new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ToString()
            : "";
    }

    /// <summary>A connection for one read; dispose the lease (after the reader) to give it back.</summary>
    public Lease Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connectionString.Length == 0)
        {
            throw new InvalidOperationException("SqliteKeyReads serves a SQLite database only.");
        }

        if (_idle.TryTake(out var idle))
        {
            Interlocked.Decrement(ref _kept);
            return new Lease(this, idle);
        }

        return new Lease(this, ReadConnection.Open(_connectionString));
    }

    public void Dispose()
    {
        _disposed = true;
        CloseIdle();
    }

    /// <summary>How many connections wait for the next read (tests).</summary>
    internal int IdleCount => _idle.Count;

    private void Return(ReadConnection connection)
    {
        if (Interlocked.Increment(ref _kept) > Kept || _disposed)
        {
            Interlocked.Decrement(ref _kept);
            connection.Dispose();
            return;
        }

        _idle.Add(connection);
        if (_disposed)
        {
            CloseIdle(); // returned while the service was being disposed
        }
    }

    private void CloseIdle()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    /// <summary>One rented connection, given back once however often it is disposed. Its commands stay prepared for the next request.</summary>
    public sealed class Lease(SqliteKeyReads owner, ReadConnection connection) : IDisposable
    {
        private int _returned;

        /// <summary>The connection's command for <paramref name="sql"/>, prepared once, with no parameters bound yet.</summary>
        public DbCommand Command(string sql)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _returned) != 0, this);
            return connection.Command(sql);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                owner.Return(connection);
            }
        }
    }

    internal sealed class ReadConnection : IDisposable
    {
        /// <summary>The texts differ only by the number of a device's component hashes: a handful per connection.</summary>
        private const int MaxCommands = 32;

        private readonly SqliteConnection _connection;
        private readonly Dictionary<string, SqliteCommand> _commands = [];

        private ReadConnection(SqliteConnection connection) => _connection = connection;

        public static ReadConnection Open(string connectionString)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                // Reads only: a write here would bypass the writer and the write gate.
                using var readOnly = connection.CreateCommand();
                readOnly.CommandText = "PRAGMA query_only = 1;";
                readOnly.ExecuteNonQuery();
                return new ReadConnection(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public SqliteCommand Command(string sql)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                if (_commands.Count >= MaxCommands)
                {
                    // A client choosing ever other numbers of hashes evicts one statement at a time, not everyone's.
                    var (evictedSql, evicted) = _commands.First();
                    evicted.Dispose();
                    _commands.Remove(evictedSql);
                }

                command = _connection.CreateCommand();
                command.CommandText = sql;
                _commands[sql] = command;
            }

            command.Parameters.Clear();
            return command;
        }

        public void Dispose()
        {
            ClearCommands();
            _connection.Dispose();
        }

        private void ClearCommands()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _commands.Clear();
        }
    }
}
