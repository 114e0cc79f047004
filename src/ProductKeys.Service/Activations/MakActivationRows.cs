using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Data;
using ProductKeys.Data.Activations;

namespace ProductKeys.Service.Activations;

/// <summary>
/// The SQL of a MAK activation's hot path, written out: the candidate query (both databases) and,
/// on PostgreSQL, the consuming statement (SQLite's is <see cref="SqliteActivationWriter"/>'s).
/// Through EF Core the same statements cost several times the database's own work (query
/// pipeline, change tracking, a command per row: docs/performance.md). Values are bound as EF
/// Core writes them (on SQLite, GUIDs as upper-case text).
/// </summary>
internal sealed class MakActivationRows(LicensingDbContext db)
{
    /// <summary>The activations of the key that share at least one component hash with the request.</summary>
    public async Task<List<(Guid Id, string HardwareId)>> CandidatesAsync(Guid keyId, IReadOnlyList<long> hashes, CancellationToken ct)
    {
        await using var command = await CommandAsync(db, CandidatesSql("@key", hashes.Count), ct);
        Bind(command, "key", Value(keyId));
        BindHashes(command, hashes);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await ReadCandidatesAsync(reader, ct);
    }

    /// <summary>
    /// The candidates query for the key that <paramref name="keyIdSql"/> names (a parameter, or a
    /// subquery so that it shares a round trip with the key's row); hashes bound by <see cref="BindHashes"/>.
    /// </summary>
    public static string CandidatesSql(string keyIdSql, int hashCount)
    {
        var sql = new StringBuilder("""SELECT a."Id", a."HardwareId" FROM "MakActivations" a WHERE a."Id" IN """)
            .Append("""(SELECT c."ActivationId" FROM "MakActivationComponents" c WHERE c."KeyId" = """).Append(keyIdSql).Append(""" AND c."Hash" IN (""");
        for (var i = 0; i < hashCount; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(HashName(i));
        }

        return sql.Append("));").ToString();
    }

    public static async Task<List<(Guid Id, string HardwareId)>> ReadCandidatesAsync(DbDataReader reader, CancellationToken ct)
    {
        var candidates = new List<(Guid, string)>();
        while (await reader.ReadAsync(ct))
        {
            candidates.Add((reader.GetGuid(0), reader.GetString(1)));
        }

        return candidates;
    }

    public static void BindHashes(DbCommand command, IReadOnlyList<long> hashes)
    {
        for (var i = 0; i < hashes.Count; i++)
        {
            Bind(command, HashName(i), hashes[i]);
        }
    }

    public static void Bind(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>
    /// PostgreSQL: consumes one activation of the key — only while used &lt; limit and the key is
    /// active — and records the activation with its component hashes, in <b>one statement</b>
    /// committed on its own. The key row stays locked only while the server runs that statement,
    /// never across a round trip to this process. A unique-index violation (the same hardware ID
    /// recorded meanwhile) aborts the whole statement: nothing is consumed.
    /// </summary>
    public async Task<MakConsumption> ConsumeOnPostgresAsync(MakActivation activation, long[] hashes, CancellationToken ct)
    {
        await using var command = await CommandAsync(db, """
            WITH consumed AS (
                UPDATE "Keys" SET "ActivationsUsed" = "ActivationsUsed" + 1
                WHERE "Id" = @key AND "ActivationsUsed" < "ActivationLimit" AND "Status" = 'Active'
                RETURNING "ActivationsUsed"),
            activation AS (
                INSERT INTO "MakActivations" ("Id", "KeyId", "ProductId", "HardwareId", "ActivatedAt", "LastActivatedAt", "Activations")
                SELECT @id, @key, @product, @hardware, @now, @now, 1 FROM consumed
                RETURNING "Id"),
            components AS (
                INSERT INTO "MakActivationComponents" ("ActivationId", "KeyId", "Hash")
                SELECT activation."Id", @key, hash FROM activation CROSS JOIN unnest(@hashes) AS hash)
            SELECT "ActivationsUsed" FROM consumed
            """, ct);
        Bind(command, "key", Value(activation.KeyId));
        Bind(command, "id", Value(activation.Id));
        Bind(command, "product", activation.ProductId);
        Bind(command, "hardware", activation.HardwareId);
        Bind(command, "now", activation.ActivatedAt);
        Bind(command, "hashes", hashes);
        try
        {
            return await command.ExecuteScalarAsync(ct) is { } used
                ? new MakConsumption(MakConsumptionResult.Consumed, Convert.ToInt32(used, CultureInfo.InvariantCulture))
                : MakConsumption.Refused;
        }
        catch (DbException e) when (UniqueViolation.Is(e))
        {
            return MakConsumption.AlreadyRecorded;
        }
    }

    /// <summary>A command on the context's own connection (opened if need be), outside EF Core's query pipeline.</summary>
    public static async Task<DbCommand> CommandAsync(LicensingDbContext db, string sql, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>GUIDs as EF Core stores them on SQLite: upper-case text.</summary>
    public static string SqliteGuid(Guid id) => id.ToString().ToUpperInvariant();

    /// <summary>The parameter of the <paramref name="i"/>th component hash.</summary>
    public static string HashName(int i) => string.Create(CultureInfo.InvariantCulture, $"@h{i}");

    private object Value(Guid id) => db.IsPostgres ? id : SqliteGuid(id);
}
