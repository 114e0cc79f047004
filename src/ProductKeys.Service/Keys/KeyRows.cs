using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using ProductKeys.AdminApi.Keys;
using ProductKeys.Core.Keys;
using ProductKeys.Data;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Keys;

/// <summary>Streams an account's keys from the database, deriving each plaintext as it goes.</summary>
internal static class KeyRows
{
    public static async IAsyncEnumerable<KeyRow> ReadAsync(
        LicensingDbContext db, KeySecrets secrets, Guid accountId, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var rows = db.Keys.AsNoTracking().Where(k => k.BillingAccountId == accountId)
            .Join(db.Orders, k => k.OrderId, o => o.Id, (k, o) => new
            {
                k.Id, k.Type, k.KeyGroup, k.Serial, k.SecretVersion, k.ProductId, k.OrderId, o.Quantity, k.ActivationsUsed, k.ActivationLimit, k.Status,
            })
            .OrderBy(x => x.KeyGroup).ThenBy(x => x.Serial)
            .AsAsyncEnumerable();
        await foreach (var r in rows.WithCancellation(ct))
        {
            var key = ProductKey.Derive(r.Type, r.KeyGroup, r.Serial, secrets.GroupSecret(r.KeyGroup, r.SecretVersion)).ToString();
            yield return new KeyRow(r.Id, key, r.Type, r.ProductId, r.OrderId, r.Quantity, r.ActivationsUsed, r.ActivationLimit, KeyWire.Status(r.Status));
        }
    }
}
