using Microsoft.EntityFrameworkCore;
using ProductKeys.Data;
using ProductKeys.Data.Catalog;

namespace ProductKeys.Service.Catalog;

/// <summary>Adds products with their serial counters (demo seeding, tests, later a catalog API).</summary>
internal static class CatalogSetup
{
    public static async Task EnsureProductAsync(LicensingDbContext db, Product product, CancellationToken ct)
    {
        if (!await db.Products.AnyAsync(p => p.Id == product.Id, ct))
        {
            db.Products.Add(product);
        }

        if (!await db.KeyGroupCounters.AnyAsync(c => c.KeyGroup == product.KeyGroup, ct)
            && !db.KeyGroupCounters.Local.Any(c => c.KeyGroup == product.KeyGroup))
        {
            // Serial 0 is reserved for the group's public setup keys.
            db.KeyGroupCounters.Add(new KeyGroupCounter { KeyGroup = product.KeyGroup, NextSerial = 1 });
        }

        await db.SaveChangesAsync(ct);
    }
}
