using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Keys;
using ProductKeys.Data;

namespace ProductKeys.Service.Orders;

/// <summary>
/// Hands out serials of a key group with one UPDATE ... SET next = next + n: the row lock (PostgreSQL)
/// or the write lock (SQLite) makes concurrent callers, on any node, take disjoint ranges. Must run
/// inside the caller's transaction, which then reads back its own update.
/// </summary>
internal static class SerialAllocator
{
    /// <summary>The first of <paramref name="count"/> consecutive serials, or null when the group is exhausted or unknown.</summary>
    public static async Task<int?> AllocateAsync(LicensingDbContext db, int group, int count, CancellationToken ct)
    {
        var ceiling = ProductKey.MaxSerial - count + 1;
        var updated = await db.KeyGroupCounters
            .Where(c => c.KeyGroup == group && c.NextSerial <= ceiling)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextSerial, c => c.NextSerial + count), ct);
        if (updated == 0)
        {
            return null;
        }

        var next = await db.KeyGroupCounters.AsNoTracking().Where(c => c.KeyGroup == group).Select(c => c.NextSerial).SingleAsync(ct);
        return next - count;
    }
}
