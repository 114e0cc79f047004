namespace ProductKeys.Data.Keys;

/// <summary>
/// The activation limit, in one place: a key (a MAK's devices, a KMS host key's hosts) consumes one
/// activation only while it is <see cref="KeyStatus.Active"/> and
/// <see cref="IssuedKey.ActivationsUsed"/> &lt; <see cref="IssuedKey.ActivationLimit"/>. The check and
/// the increment are one conditional UPDATE, so the database keeps the count exact under concurrency
/// and across nodes (docs/adr/0009-mak-activation-concurrency.md). Every path that consumes runs
/// <see cref="ConsumeSql"/>: MAK activation on PostgreSQL (<see cref="Activations.MakActivationSql"/>)
/// and on SQLite (the service's group-commit writer), and KMS host activation.
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
}
