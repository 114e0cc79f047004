using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using ProductKeys.AdminApi.Keys;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Data;
using ProductKeys.Data.Keys;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Keys;

/// <summary>Reads an account's keys from the database, deriving each plaintext as it goes.</summary>
internal static class KeyRows
{
    /// <summary>
    /// The account's keys that <paramref name="audited"/> names (<see cref="KeyDisclosure.DiscloseAsync"/>), in key order
    /// (the API's list and export, the portal's CSV): a key issued since the audit entry is not sent with it.
    /// </summary>
    public static IAsyncEnumerable<KeyRow> ReadAsync(LicensingDbContext db, KeySecrets secrets, Guid accountId, HashSet<Guid> audited, CancellationToken ct = default) =>
        DeriveAsync(Ordered(db, Filtered(db, accountId, product: null, type: null)), secrets, ct).Where(r => audited.Contains(r.Id));

    /// <summary>
    /// One page of the account's keys, filtered by product and type, in the same order as <see cref="ReadAsync"/>:
    /// the portal shows a page at a time, so an account with 10,000 keys renders (and derives) only the page.
    /// </summary>
    public static IAsyncEnumerable<KeyRow> ReadPageAsync(
        LicensingDbContext db, KeySecrets secrets, Guid accountId, string? product, KeyType? type, int skip, int take, CancellationToken ct = default) =>
        DeriveAsync(Ordered(db, Filtered(db, accountId, product, type)).Skip(skip).Take(take), secrets, ct);

    /// <summary>
    /// Before any key is derived (the rows stream once the answer has begun): SECRETS_MISMATCH when the account holds
    /// keys under a key-group secret version this node does not have — a node still running with the folder from
    /// before another node's rotation (ADR 0024) — instead of failing mid-list.
    /// </summary>
    public static async Task<Refusal?> RefuseUnderivableAsync(LicensingDbContext db, KeySecrets secrets, Guid accountId, CancellationToken ct = default)
    {
        var newest = await db.Keys.AsNoTracking().Where(k => k.BillingAccountId == accountId).MaxAsync(k => (int?)k.SecretVersion, ct) ?? 1;
        return newest > secrets.CurrentVersion ? SecretsFingerprints.Outdated() : null;
    }

    /// <summary>How many keys of the account match the filter.</summary>
    public static Task<int> CountAsync(LicensingDbContext db, Guid accountId, string? product, KeyType? type, CancellationToken ct = default) =>
        Filtered(db, accountId, product, type).CountAsync(ct);

    /// <summary>The products and key types the account holds keys of (the portal's filter choices).</summary>
    public static async Task<(List<string> Products, List<KeyType> Types)> KindsAsync(LicensingDbContext db, Guid accountId, CancellationToken ct = default)
    {
        var kinds = await Filtered(db, accountId, product: null, type: null).Select(k => new { k.ProductId, k.Type }).Distinct().ToListAsync(ct);
        return (kinds.Select(k => k.ProductId).Distinct(StringComparer.Ordinal).ToList(), kinds.Select(k => k.Type).Distinct().Order().ToList());
    }

    private static IQueryable<IssuedKey> Filtered(LicensingDbContext db, Guid accountId, string? product, KeyType? type)
    {
        var keys = db.Keys.AsNoTracking().Where(k => k.BillingAccountId == accountId);
        if (!string.IsNullOrEmpty(product))
        {
            keys = keys.Where(k => k.ProductId == product);
        }

        if (type is { } t)
        {
            keys = keys.Where(k => k.Type == t);
        }

        return keys;
    }

    private static IQueryable<Row> Ordered(LicensingDbContext db, IQueryable<IssuedKey> keys) =>
        keys.Join(db.Orders, k => k.OrderId, o => o.Id, (k, o) => new Row
            {
                Id = k.Id, Type = k.Type, KeyGroup = k.KeyGroup, Serial = k.Serial, SecretVersion = k.SecretVersion, ProductId = k.ProductId,
                OrderId = k.OrderId, Quantity = o.Quantity, ActivationsUsed = k.ActivationsUsed, ActivationLimit = k.ActivationLimit, Status = k.Status,
            })
            .OrderBy(x => x.KeyGroup).ThenBy(x => x.Serial);

    private static async IAsyncEnumerable<KeyRow> DeriveAsync(IQueryable<Row> rows, KeySecrets secrets, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            var key = ProductKey.Derive(r.Type, r.KeyGroup, r.Serial, secrets.GroupSecret(r.KeyGroup, r.SecretVersion)).ToString();
            yield return new KeyRow(r.Id, key, r.Type, r.ProductId, r.OrderId, r.Quantity, r.ActivationsUsed, r.ActivationLimit, KeyWire.Status(r.Status));
        }
    }

    /// <summary>What a key row needs from the database (a member-init type: EF Core orders and pages by its members).</summary>
    private sealed class Row
    {
        public Guid Id { get; init; }
        public KeyType Type { get; init; }
        public int KeyGroup { get; init; }
        public int Serial { get; init; }
        public int SecretVersion { get; init; }
        public required string ProductId { get; init; }
        public Guid OrderId { get; init; }
        public int Quantity { get; init; }
        public int ActivationsUsed { get; init; }
        public int ActivationLimit { get; init; }
        public Data.Keys.KeyStatus Status { get; init; }
    }
}
