using Microsoft.Data.Sqlite;

namespace ProductKeys.CalServer.Data;

/// <summary>
/// The ledger's hot statements, prepared once per connection and kept (docs/adr/0018-cal-server.md): a
/// <see cref="SqliteCommand"/> that runs the same text again reuses its compiled statement, where a new
/// command per request made SQLite parse and plan every statement of every request. Only for the one
/// connection the ledger serializes its work on (not thread-safe, like the connection), and only for
/// statements run outside a <see cref="SqliteTransaction"/> object (<see cref="GroupCommit"/> begins and ends
/// its transactions with statements of its own).
/// </summary>
internal sealed class PreparedStatements(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The statement for <paramref name="sql"/>, with <paramref name="parameters"/> bound (by name, created on first use).</summary>
    public SqliteCommand Bind(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        foreach (var (name, value) in parameters)
        {
            var index = command.Parameters.IndexOf(name);
            if (index < 0)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
            else
            {
                command.Parameters[index].Value = value ?? DBNull.Value;
            }
        }

        return command;
    }

    public int Execute(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) => Bind(sql, parameters).ExecuteNonQuery();

    public long Scalar(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        Bind(sql, parameters).ExecuteScalar() is long value ? value : 0;

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
