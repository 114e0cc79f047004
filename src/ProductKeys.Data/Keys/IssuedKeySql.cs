namespace ProductKeys.Data.Keys;

/// <summary>
/// The hand-written reads of <see cref="IssuedKey"/> on the activation path (every activation runs
/// them; docs/adr/0010-mak-consumption-write-paths.md says why they bypass EF Core's query pipeline).
/// Parameters: <c>@group</c>, <c>@serial</c>, <c>@type</c> (the key type's name).
/// </summary>
public static class IssuedKeySql
{
    /// <summary>
    /// The key's row. Columns, in order: Id, BillingAccountId, OrderId, KeyPackageId, ProductId,
    /// ActivationLimit, ActivationsUsed, Status, PartialKey, SecretVersion, and the secrets the database
    /// records (<c>SecretsFingerprints.SigningKeyIds</c>, null before the first start), in the same round trip:
    /// a node whose signing keys lag behind them must not sign (Secrets/SecretsFingerprints).
    /// </summary>
    public const string Read = """
        SELECT "Id", "BillingAccountId", "OrderId", "KeyPackageId", "ProductId", "ActivationLimit", "ActivationsUsed", "Status", "PartialKey", "SecretVersion",
            (SELECT "SigningKeyIds" FROM "SecretsFingerprints" WHERE "Id" = 1)
        FROM "Keys" WHERE "KeyGroup" = @group AND "Serial" = @serial AND "Type" = @type;
        """;

    /// <summary>The same key's id as a subquery, so a following query can share the round trip.</summary>
    public const string IdSubquery = """(SELECT "Id" FROM "Keys" WHERE "KeyGroup" = @group AND "Serial" = @serial AND "Type" = @type)""";
}
