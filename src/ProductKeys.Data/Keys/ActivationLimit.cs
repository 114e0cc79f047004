namespace ProductKeys.Data.Keys;

/// <summary>
/// The activation limit, in one place: a key (a MAK's devices, a KMS host key's hosts) consumes an
/// activation only while it is <see cref="KeyStatus.Active"/> and
/// <see cref="IssuedKey.ActivationsUsed"/> &lt; <see cref="IssuedKey.ActivationLimit"/>. The database
/// keeps the count exact under concurrency and across nodes (docs/adr/0009-mak-activation-concurrency.md)
/// in one of two shapes: one activation at a time, the check and the increment as one conditional
/// UPDATE (<see cref="ConsumeSql"/>: KMS host keys, CAL pack MAKs); or a batch of one key's new
/// devices (docs/adr/0028-hot-mak-batches.md), which reads what is <see cref="AvailableSql"/> while
/// holding the key's write lock, records at most that many and adds exactly the number recorded
/// (<see cref="AddUsedSql"/>): the service's SQLite writer inside its <c>BEGIN IMMEDIATE</c>
/// transaction, and on PostgreSQL <see cref="Activations.MakActivationSql.ConsumeAndRecordBatchOnPostgres"/>
/// (the same rule, with the row locked <c>FOR UPDATE</c>).
/// </summary>
public static class ActivationLimit
{
    /// <summary>
    /// Consumes one activation of the key bound as <c>@key</c> and returns one row, its new
    /// <c>ActivationsUsed</c>; no row when the key is at its limit or not active. Valid on both
    /// databases; no trailing semicolon, so PostgreSQL can use it as a common table expression.
    /// </summary>
    public const string ConsumeSql = $"""
        UPDATE "Keys" SET "ActivationsUsed" = "ActivationsUsed" + 1
        WHERE "Id" = @key AND "ActivationsUsed" < "ActivationLimit" AND "Status" = '{nameof(KeyStatus.Active)}'
        RETURNING "ActivationsUsed"
        """;

    /// <summary>
    /// The key bound as <c>@key</c>: one row (used, left) when it is active — <c>left</c> may be 0 or
    /// less after the limit was lowered — and no row otherwise. Only meaningful under the writer's lock
    /// that <see cref="AddUsedSql"/> then runs under.
    /// </summary>
    public const string AvailableSql = $"""
        SELECT "ActivationsUsed", "ActivationLimit" - "ActivationsUsed" FROM "Keys"
        WHERE "Id" = @key AND "Status" = '{nameof(KeyStatus.Active)}'
        """;

    /// <summary>Adds <c>@count</c> activations, recorded under the same lock as <see cref="AvailableSql"/>, to the key bound as <c>@key</c>.</summary>
    public const string AddUsedSql = """
        UPDATE "Keys" SET "ActivationsUsed" = "ActivationsUsed" + @count WHERE "Id" = @key
        """;
}
