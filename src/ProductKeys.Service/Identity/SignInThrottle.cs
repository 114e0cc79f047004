using Microsoft.Extensions.Options;
using ProductKeys.Data;
using ProductKeys.Service.Throttling;

namespace ProductKeys.Service.Identity;

/// <summary>
/// Failed sign-ins, counted in the database so every node sees them: per (address, user name), which
/// stops one client quickly, and per user name whatever the address, which stops a password guess
/// spread over many addresses. The account backs off exponentially instead of locking: the real user
/// waits at most <see cref="SignInOptions.AccountBackoffMaximum"/>, and a successful sign-in clears both.
/// </summary>
internal sealed class SignInThrottle(SharedThrottle shared, IOptions<SignInOptions> options)
{
    public async Task<bool> IsBlockedAsync(LicensingDbContext db, string client, string user, CancellationToken ct) =>
        await shared.IsBlockedAsync(db, AccountKey(user), ct) || await shared.IsBlockedAsync(db, PairKey(client, user), ct);

    public async Task RecordFailureAsync(LicensingDbContext db, string client, string user, CancellationToken ct)
    {
        var o = options.Value;
        await shared.RecordFailureAsync(db, PairKey(client, user), o.MaxFailures, o.Window, _ => o.Window, ct);
        await shared.RecordFailureAsync(db, AccountKey(user), o.MaxFailuresPerAccount, o.AccountFailuresKept, excess => Backoff(excess, o), ct);
    }

    public static async Task ResetAsync(LicensingDbContext db, string client, string user, CancellationToken ct)
    {
        await SharedThrottle.ResetAsync(db, PairKey(client, user), ct);
        await SharedThrottle.ResetAsync(db, AccountKey(user), ct);
    }

    /// <summary>AccountBackoff × 2^excess, at most AccountBackoffMaximum (excess 0 is the failure that reached the limit).</summary>
    public static TimeSpan Backoff(int excess, SignInOptions options) =>
        excess >= 20 || options.AccountBackoff * Math.Pow(2, excess) > options.AccountBackoffMaximum
            ? options.AccountBackoffMaximum
            : options.AccountBackoff * Math.Pow(2, excess);

    private static string AccountKey(string user) => "sign-in:user:" + user.ToUpperInvariant();

    private static string PairKey(string client, string user) => "sign-in:pair:" + client + "|" + user.ToUpperInvariant();
}
