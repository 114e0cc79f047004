using Microsoft.EntityFrameworkCore;
using ProductKeys.Data;

namespace ProductKeys.Service.Activations;

/// <summary>
/// First activations per UTC day and product over a window: a device's first MAK activation and a KMS
/// host's first activation of its host key (re-activations of the same device or host are not counted again).
/// </summary>
internal static class ActivationsPerDay
{
    public sealed record Day(DateOnly Date, string Product, int Count);

    /// <remarks>Dates are compared here, not in SQL: SQLite cannot compare DateTimeOffset columns.</remarks>
    public static async Task<List<Day>> CountAsync(LicensingDbContext db, DateTimeOffset from, CancellationToken ct)
    {
        var counts = new Dictionary<(DateOnly Date, string Product), int>();
        void Add(string product, DateTimeOffset at)
        {
            if (at >= from)
            {
                var day = (DateOnly.FromDateTime(at.UtcDateTime), product);
                counts[day] = counts.GetValueOrDefault(day) + 1;
            }
        }

        await foreach (var a in db.MakActivations.AsNoTracking().Select(a => new { a.ProductId, a.ActivatedAt }).AsAsyncEnumerable().WithCancellation(ct))
        {
            Add(a.ProductId, a.ActivatedAt);
        }

        var hosts = db.KmsHostActivations.AsNoTracking().Join(db.Keys, a => a.KeyId, k => k.Id, (a, k) => new { k.ProductId, a.FirstActivatedAt });
        await foreach (var a in hosts.AsAsyncEnumerable().WithCancellation(ct))
        {
            Add(a.ProductId, a.FirstActivatedAt);
        }

        return counts.Select(c => new Day(c.Key.Date, c.Key.Product, c.Value))
            .OrderBy(d => d.Date).ThenBy(d => d.Product, StringComparer.Ordinal).ToList();
    }
}
