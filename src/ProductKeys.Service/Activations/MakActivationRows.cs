using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ProductKeys.Data;
using ProductKeys.Data.Activations;
using ProductKeys.Data.Keys;

namespace ProductKeys.Service.Activations;

/// <summary>
/// Runs the SQL of a MAK activation's hot path (the text lives beside the model, in
/// <see cref="MakActivationSql"/>): the candidate query (both databases) and, on PostgreSQL, the
/// consuming statements run in <see cref="PostgresActivationWriter"/> and <see cref="SqliteActivationWriter"/>. Through EF Core the
/// same statements cost several times the database's own work (query pipeline, change tracking, a
/// command per row: docs/performance.md). Values are bound as EF Core writes them (on SQLite, GUIDs
/// as upper-case text).
/// </summary>
internal sealed class MakActivationRows(LicensingDbContext db)
{
    /// <summary>The activations of the key that share at least one component hash with the request.</summary>
    public async Task<List<(Guid Id, string HardwareId)>> CandidatesAsync(Guid keyId, IReadOnlyList<long> hashes, CancellationToken ct)
    {
        await using var command = await CommandAsync(db, MakActivationSql.Candidates("@key", hashes.Count), ct);
        Bind(command, "key", Value(db, keyId));
        BindHashes(command, hashes);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await ReadCandidatesAsync(reader, ct);
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
            Bind(command, MakActivationSql.HashName(i), hashes[i]);
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
    /// A command on the context's own connection (opened if need be), outside EF Core's query pipeline. Opened once
    /// however many commands a request makes (EF Core counts opens), so that one close gives it back to the pool.
    /// </summary>
    public static async Task<DbCommand> CommandAsync(LicensingDbContext db, string sql, CancellationToken ct)
    {
        if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>
    /// Consumes one activation of a key under <see cref="ActivationLimit"/>'s rule (used &lt; limit), inside
    /// the context's open transaction: false when the key has none left (or is blocked). KMS host keys and
    /// CAL pack MAKs, whose activations are per host or server, both count through it.
    /// </summary>
    public static async Task<bool> ConsumeOneAsync(LicensingDbContext db, Guid keyId, CancellationToken ct)
    {
        await using var command = await CommandAsync(db, ActivationLimit.ConsumeSql, ct);
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        Bind(command, "key", Value(db, keyId));
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>GUIDs as EF Core stores them on SQLite: upper-case text.</summary>
    public static string SqliteGuid(Guid id) => id.ToString().ToUpperInvariant();

    /// <summary>A GUID as <paramref name="db"/>'s provider stores it.</summary>
    public static object Value(LicensingDbContext db, Guid id) => db.IsPostgres ? id : SqliteGuid(id);
}
