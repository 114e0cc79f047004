using System.Globalization;
using System.Text;
using ProductKeys.Data.Keys;

namespace ProductKeys.Data.Activations;

/// <summary>
/// The hand-written SQL of a MAK activation's hot path, beside the entities it names
/// (<see cref="MakActivation"/>, <see cref="MakActivationComponent"/>, <see cref="IssuedKey"/>).
/// The service binds the values and runs it (docs/adr/0010-mak-consumption-write-paths.md).
/// Parameters: <c>@key</c>, <c>@id</c>, <c>@product</c>, <c>@hardware</c>, <c>@now</c>, and one
/// <see cref="HashName"/> per component hash (PostgreSQL: one array, <c>@hashes</c>).
/// </summary>
public static class MakActivationSql
{
    /// <summary>
    /// PostgreSQL: consumes one activation under <see cref="ActivationLimit.ConsumeSql"/> and records
    /// the activation with its component hashes, in one statement. Returns the key's new count, or
    /// no row when the limit (or the key's status) refused it; a unique-index violation (the same
    /// hardware ID recorded meanwhile) aborts the whole statement.
    /// </summary>
    public const string ConsumeAndRecordOnPostgres = $"""
        WITH consumed AS (
        {ActivationLimit.ConsumeSql}),
        activation AS (
            INSERT INTO "MakActivations" ("Id", "KeyId", "ProductId", "HardwareId", "ActivatedAt", "LastActivatedAt", "Activations")
            SELECT @id, @key, @product, @hardware, @now, @now, 1 FROM consumed
            RETURNING "Id"),
        components AS (
            INSERT INTO "MakActivationComponents" ("ActivationId", "KeyId", "Hash")
            SELECT activation."Id", @key, hash FROM activation CROSS JOIN unnest(@hashes) AS hash)
        SELECT "ActivationsUsed" FROM consumed
        """;

    /// <summary>
    /// The activations of the key that <paramref name="keyIdSql"/> names (a parameter, or
    /// <see cref="IssuedKeySql.IdSubquery"/>) that share at least one component hash with the
    /// request; hashes bound as <see cref="HashName"/>(0 … <paramref name="hashCount"/> − 1).
    /// Columns: Id, HardwareId.
    /// </summary>
    public static string Candidates(string keyIdSql, int hashCount)
    {
        var sql = new StringBuilder("""SELECT a."Id", a."HardwareId" FROM "MakActivations" a WHERE a."Id" IN """)
            .Append("""(SELECT c."ActivationId" FROM "MakActivationComponents" c WHERE c."KeyId" = """).Append(keyIdSql).Append(""" AND c."Hash" IN (""");
        for (var i = 0; i < hashCount; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(HashName(i));
        }

        return sql.Append("));").ToString();
    }

    /// <summary>
    /// SQLite: the activation's row and its <paramref name="hashCount"/> component rows in one
    /// command (run after <see cref="ActivationLimit.ConsumeSql"/> consumed, in the same savepoint).
    /// </summary>
    public static string Record(int hashCount)
    {
        var sql = new StringBuilder("""
            INSERT INTO "MakActivations" ("Id", "KeyId", "ProductId", "HardwareId", "ActivatedAt", "LastActivatedAt", "Activations")
            VALUES (@id, @key, @product, @hardware, @now, @now, 1);
            INSERT INTO "MakActivationComponents" ("ActivationId", "KeyId", "Hash") VALUES
            """);
        for (var i = 0; i < hashCount; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")} (@id, @key, {HashName(i)})");
        }

        return sql.Append(';').ToString();
    }

    /// <summary>The parameter of the <paramref name="i"/>th component hash.</summary>
    public static string HashName(int i) => string.Create(CultureInfo.InvariantCulture, $"@h{i}");
}
