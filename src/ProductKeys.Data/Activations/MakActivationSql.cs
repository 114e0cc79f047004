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
    /// PostgreSQL: consumes activations of one key for a <b>batch</b> of new devices and records them
    /// with their component hashes, in one statement (docs/adr/0028-hot-mak-batches.md). It locks the
    /// key's row, takes the devices in order while the key has activations left (<c>ord ≤ limit − used</c>),
    /// inserts them — a device whose hardware ID is recorded meanwhile is skipped by the unique index
    /// (<c>ON CONFLICT DO NOTHING</c>) and consumes nothing — and adds exactly the number of rows
    /// inserted to the key's count. One row: <c>available</c> (limit − used before, null when the key
    /// is not active), <c>used</c> (the key's count after, null when nothing was inserted) and
    /// <c>inserted</c> (the ids recorded). Parameters: <c>@key</c>, <c>@product</c>, and arrays in the
    /// batch's order <c>@ids</c>, <c>@hardware</c>, <c>@now</c>; the component hashes as two arrays
    /// of equal length, <c>@hash_owners</c> (an activation id) and <c>@hashes</c>.
    /// </summary>
    public const string ConsumeAndRecordBatchOnPostgres = $"""
        WITH locked AS (
            SELECT "ActivationsUsed" AS used, "ActivationLimit" AS "limit" FROM "Keys"
            WHERE "Id" = @key AND "Status" = '{nameof(KeyStatus.Active)}'
            FOR UPDATE),
        wanted AS (
            SELECT w.id, w.hardware, w.activated, w.ord
            FROM unnest(@ids::uuid[], @hardware::text[], @now::timestamptz[]) WITH ORDINALITY AS w(id, hardware, activated, ord)
            CROSS JOIN locked
            WHERE w.ord <= locked."limit" - locked.used),
        activation AS (
            INSERT INTO "MakActivations" ("Id", "KeyId", "ProductId", "HardwareId", "ActivatedAt", "LastActivatedAt", "Activations")
            SELECT id, @key, @product, hardware, activated, activated, 1 FROM wanted ORDER BY ord
            ON CONFLICT ("KeyId", "HardwareId") DO NOTHING
            RETURNING "Id"),
        components AS (
            INSERT INTO "MakActivationComponents" ("ActivationId", "KeyId", "Hash")
            SELECT h.id, @key, h.hash FROM unnest(@hash_owners::uuid[], @hashes::bigint[]) AS h(id, hash)
            JOIN activation ON activation."Id" = h.id),
        consumed AS (
            UPDATE "Keys" SET "ActivationsUsed" = "ActivationsUsed" + (SELECT count(*) FROM activation)
            WHERE "Id" = @key AND EXISTS (SELECT 1 FROM activation)
            RETURNING "ActivationsUsed")
        SELECT (SELECT "limit" - used FROM locked) AS available,
               (SELECT "ActivationsUsed" FROM consumed) AS used,
               array(SELECT "Id" FROM activation) AS inserted
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
    /// command, in the writer's transaction (docs/adr/0028-hot-mak-batches.md). When the key already
    /// has this hardware ID (a concurrent duplicate) nothing is written: the command changes no row.
    /// </summary>
    public static string Record(int hashCount)
    {
        var sql = new StringBuilder("""
            INSERT INTO "MakActivations" ("Id", "KeyId", "ProductId", "HardwareId", "ActivatedAt", "LastActivatedAt", "Activations")
            VALUES (@id, @key, @product, @hardware, @now, @now, 1)
            ON CONFLICT ("KeyId", "HardwareId") DO NOTHING;
            INSERT INTO "MakActivationComponents" ("ActivationId", "KeyId", "Hash")
            SELECT @id, @key, hash FROM (
            """);
        for (var i = 0; i < hashCount; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "SELECT" : " UNION ALL SELECT")} {HashName(i)} AS hash");
        }

        return sql.Append(""") WHERE EXISTS (SELECT 1 FROM "MakActivations" WHERE "Id" = @id);""").ToString();
    }

    /// <summary>The parameter of the <paramref name="i"/>th component hash.</summary>
    public static string HashName(int i) => string.Create(CultureInfo.InvariantCulture, $"@h{i}");
}
