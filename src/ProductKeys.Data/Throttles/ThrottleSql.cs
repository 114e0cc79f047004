using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ProductKeys.Data.Throttles;

/// <summary>
/// The throttle table's statements, valid on SQLite (3.35+) and PostgreSQL alike: one upsert per
/// failure that returns the shared count, one read per check, one delete per success.
/// </summary>
public static class ThrottleSql
{
    /// <summary>Counts a failure; a counter idle since <paramref name="staleBefore"/> starts again at 1. Returns the new count and block.</summary>
    public static async Task<(int Failures, long BlockedUntil)> RecordFailureAsync(LicensingDbContext db, string key, long now, long staleBefore, CancellationToken ct)
    {
        await using var command = await CommandAsync(db, """
            INSERT INTO "ThrottleCounters" ("Key", "Failures", "LastFailureAt", "BlockedUntil") VALUES (@key, 1, @now, 0)
            ON CONFLICT ("Key") DO UPDATE SET
                "Failures" = CASE WHEN "ThrottleCounters"."LastFailureAt" < @stale THEN 1 ELSE "ThrottleCounters"."Failures" + 1 END,
                "BlockedUntil" = CASE WHEN "ThrottleCounters"."LastFailureAt" < @stale THEN 0 ELSE "ThrottleCounters"."BlockedUntil" END,
                "LastFailureAt" = @now
            RETURNING "Failures", "BlockedUntil";
            """, ct, ("key", key), ("now", now), ("stale", staleBefore));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt32(0), reader.GetInt64(1));
    }

    /// <summary>Blocks the key until <paramref name="until"/> unless it is already blocked longer.</summary>
    public static async Task BlockAsync(LicensingDbContext db, string key, long until, CancellationToken ct)
    {
        await using var command = await CommandAsync(db, """
            UPDATE "ThrottleCounters" SET "BlockedUntil" = @until WHERE "Key" = @key AND "BlockedUntil" < @until;
            """, ct, ("key", key), ("until", until));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>When the key is blocked until (0 when it is not counted at all).</summary>
    public static async Task<long> BlockedUntilAsync(LicensingDbContext db, string key, CancellationToken ct)
    {
        await using var command = await CommandAsync(db, """SELECT "BlockedUntil" FROM "ThrottleCounters" WHERE "Key" = @key;""", ct, ("key", key));
        return await command.ExecuteScalarAsync(ct) is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    public static async Task ResetAsync(LicensingDbContext db, string key, CancellationToken ct)
    {
        await using var command = await CommandAsync(db, """DELETE FROM "ThrottleCounters" WHERE "Key" = @key;""", ct, ("key", key));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Drops counters idle since <paramref name="idleBefore"/> and not blocked any more.</summary>
    public static async Task PruneAsync(LicensingDbContext db, long idleBefore, CancellationToken ct)
    {
        await using var command = await CommandAsync(db, """
            DELETE FROM "ThrottleCounters" WHERE "LastFailureAt" < @idle AND "BlockedUntil" < @idle;
            """, ct, ("idle", idleBefore));
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<DbCommand> CommandAsync(LicensingDbContext db, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
