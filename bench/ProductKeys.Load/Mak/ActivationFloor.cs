using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ProductKeys.Load.Mak;

/// <summary>
/// The floor a MAK activation cannot beat on a given database: per activation, one transaction
/// with the conditional UPDATE of the key's counter and the INSERT of the activation row — what
/// the service must at least do, without HTTP, JSON, key checks, tolerance matching or signing.
/// </summary>
/// <remarks>
/// On SQLite the floor's writers take turns through an in-process gate, as the service's do:
/// left to SQLite's busy handler, colliding writers back off in sleeps and the floor swings
/// between runs by a factor of three (seen: 1,100–4,800/s for the same code).
/// </remarks>
internal sealed class ActivationFloor(Func<DbConnection> open, object keyId, bool sqlite) : IDisposable
{
    private readonly SemaphoreSlim _sqliteWriters = new(1, 1);

    public static ActivationFloor ForSqlite(string connectionString, Guid keyId) =>
        new(() => new SqliteConnection(connectionString), keyId.ToString().ToUpperInvariant(), sqlite: true);

    public static ActivationFloor ForPostgres(string connectionString, Guid keyId) =>
        new(() => new NpgsqlConnection(connectionString), keyId, sqlite: false);

    public Task RunAsync(int clients, int requests, double[]? latencies)
    {
        var next = -1;
        var prefix = Guid.NewGuid().ToString("N")[..8];
        return Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            await using var connection = open();
            await connection.OpenAsync();
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var started = Stopwatch.GetTimestamp();
                if (sqlite)
                {
                    await _sqliteWriters.WaitAsync();
                }

                try
                {
                    await ActivateAsync(connection, $"floor-{prefix}-{i}");
                }
                finally
                {
                    if (sqlite)
                    {
                        _sqliteWriters.Release();
                    }
                }

                if (latencies is not null)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }
        }));
    }

    /// <summary>The key's count and its activation rows (the driver compares how much each grew over a run with what the run made).</summary>
    public async Task<(long Used, long Rows)> CountsAsync()
    {
        await using var connection = open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT "ActivationsUsed" FROM "Keys" WHERE "Id" = @key),
                   (SELECT COUNT(*) FROM "MakActivations" WHERE "KeyId" = @key)
            """;
        Add(command, "key", keyId);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync() || reader.IsDBNull(0))
        {
            throw new InvalidOperationException($"The floor's key {keyId} is not in the database.");
        }

        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    public void Dispose() => _sqliteWriters.Dispose();

    private async Task ActivateAsync(DbConnection connection, string hardwareId)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """UPDATE "Keys" SET "ActivationsUsed" = "ActivationsUsed" + 1 WHERE "Id" = @key AND "ActivationsUsed" < "ActivationLimit" AND "Status" = 'Active'""";
        Add(update, "key", keyId);
        if (await update.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException("The floor's key has no activations left.");
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO "MakActivations" ("Id", "KeyId", "ProductId", "HardwareId", "ActivatedAt", "LastActivatedAt", "Activations")
            VALUES (@id, @key, 'contoso-desktop', @hardware, @now, @now, 1)
            """;
        Add(insert, "id", sqlite ? Guid.NewGuid().ToString().ToUpperInvariant() : Guid.NewGuid());
        Add(insert, "key", keyId);
        Add(insert, "hardware", hardwareId);
        Add(insert, "now", sqlite ? TimeProvider.System.GetUtcNow().ToString("O") : TimeProvider.System.GetUtcNow());
        await insert.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
