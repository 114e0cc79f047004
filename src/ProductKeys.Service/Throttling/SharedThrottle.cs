using ProductKeys.Data;
using ProductKeys.Data.Throttles;

namespace ProductKeys.Service.Throttling;

/// <summary>
/// Failure counters every node shares through the database (ThrottleCounters). Only failures write:
/// a success reads nothing for guesses and deletes one row for sign-ins. A counter idle for its decay
/// period starts again at 1 (docs/adr/0017-token-lifecycle-and-shared-throttles.md).
/// </summary>
internal sealed class SharedThrottle(TimeProvider time)
{
    private const int PruneEvery = 1000;
    private long _failures;

    public async Task<bool> IsBlockedAsync(LicensingDbContext db, string key, CancellationToken ct) =>
        await ThrottleSql.BlockedUntilAsync(db, key, ct) > time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Counts a failure for <paramref name="key"/>; once the count reaches <paramref name="limit"/> the key is
    /// blocked for <paramref name="block"/>(failures beyond the limit). Returns true when the key is now blocked.
    /// </summary>
    public async Task<bool> RecordFailureAsync(LicensingDbContext db, string key, int limit, TimeSpan decay, Func<int, TimeSpan> block, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var (failures, blockedUntil) = await ThrottleSql.RecordFailureAsync(db, key, nowMs, (now - decay).ToUnixTimeMilliseconds(), ct);
        if (Interlocked.Increment(ref _failures) % PruneEvery == 0)
        {
            // Rows of addresses and names that stopped failing a day ago are dead weight.
            await ThrottleSql.PruneAsync(db, (now - decay - TimeSpan.FromDays(1)).ToUnixTimeMilliseconds(), ct);
        }

        if (failures < limit)
        {
            return blockedUntil > nowMs;
        }

        var until = (now + block(failures - limit)).ToUnixTimeMilliseconds();
        await ThrottleSql.BlockAsync(db, key, until, ct);
        return true;
    }

    public static Task ResetAsync(LicensingDbContext db, string key, CancellationToken ct) => ThrottleSql.ResetAsync(db, key, ct);
}
