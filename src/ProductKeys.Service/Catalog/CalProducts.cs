using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Data;
using ProductKeys.Data.Catalog;

namespace ProductKeys.Service.Catalog;

/// <summary>
/// Which products are CAL products, remembered per process: a CAL pack's MAK must never activate a
/// device (docs/product.md §5), and every MAK activation asks. Safe to cache because a product's
/// category never changes once created (the catalog API only adds products).
/// </summary>
internal sealed class CalProducts
{
    private readonly ConcurrentDictionary<string, bool> _isCal = new(StringComparer.Ordinal);

    public async ValueTask<bool> IsCalAsync(LicensingDbContext db, string productId, CancellationToken ct)
    {
        if (_isCal.TryGetValue(productId, out var known))
        {
            return known;
        }

        var category = await db.Products.AsNoTracking().Where(p => p.Id == productId).Select(p => (ProductCategory?)p.Category).SingleOrDefaultAsync(ct);
        if (category is null)
        {
            return false;
        }

        return _isCal[productId] = category == ProductCategory.Cal;
    }
}
