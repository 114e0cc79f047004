using ProductKeys.Core.Certificates;
using ProductKeys.Core.Signing;

namespace ProductKeys.CalServer.Data;

/// <summary>
/// The time the CAL ledger decides by (docs/adr/0018-cal-server.md, "The ledger's clock"): the server's clock, but never earlier
/// than the highest time the ledger has used (kept in <c>ledger_clock</c>, in the request's transaction) nor than the newest
/// pack's issue time. A clock set forward and back again cannot make CALs the ledger let lapse count as held again, so permanent
/// per-device CALs never outnumber the installed ones; a clock behind the packs never makes a pack look unusable.
/// </summary>
internal static class LedgerClock
{
    /// <summary>Moves the kept time up to <c>@now</c>; run only when <c>@now</c> is later than <see cref="ReadSql"/> read.</summary>
    /// <remarks>
    /// Times are whole seconds, so under load the row changes about once a second: a request that writes it
    /// every time dirtied one more page per commit, measured 3–13 % of the requests per second.
    /// </remarks>
    public const string AdvanceSql = "UPDATE ledger_clock SET highest = @now WHERE id = 1 AND highest < @now";

    /// <summary>The kept time.</summary>
    public const string ReadSql = "SELECT highest FROM ledger_clock WHERE id = 1";

    /// <summary>
    /// The latest kept time the ledger uses (year 9000): <c>cal.db</c> is a file its administrator can edit, and a kept time past
    /// year 9999 made every date the ledger computes from it throw (<c>pk cal-server report</c>, per-user CALs: INTERNAL_ERROR;
    /// found by a hostile review). Above it the ledger behaves as at it: every CAL lapsed, the clock problem reported.
    /// </summary>
    public static readonly long Latest = new DateTimeOffset(9000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>The kept time as the ledger uses it: at most <see cref="Latest"/>.</summary>
    public static long Kept(long stored) => Math.Min(stored, Latest);

    /// <summary>The server's clock behind the ledger's time by more than this is reported as a clock problem.</summary>
    public static readonly TimeSpan Tolerance = ArtifactVerifier.DefaultAllowedClockSkew;

    /// <summary>The earliest time the ledger may use now: the server's clock or the newest pack's issue time (Unix seconds).</summary>
    public static long Floor(long wall, IReadOnlyList<CalPackCertificate> packs) =>
        packs.Count == 0 ? wall : Math.Max(wall, packs.Max(p => p.IssuedAt.ToUnixTimeSeconds()));

    /// <summary>
    /// When a device CAL is signed: the server's clock, but never before its pack certificate (<c>DeviceCal.Verify</c> refuses a
    /// CAL issued before its pack). Not the ledger's time: a device checks the issue time against its own clock.
    /// </summary>
    public static long SigningTime(long wall, CalPackCertificate pack) => Math.Max(wall, pack.IssuedAt.ToUnixTimeSeconds());

    /// <summary>What is wrong with the server's clock, or <c>null</c>: behind the newest pack's issue time or the time the ledger has used.</summary>
    public static string? Problem(long wall, long highest, IReadOnlyList<CalPackCertificate> packs)
    {
        // No pack yet is no problem (a new server): a missing pack must not stand for the smallest time, whose
        // difference from the clock overflowed into "behind" and whose date could not be printed (INTERNAL_ERROR).
        if (packs.Count > 0 && packs.Max(p => p.IssuedAt.ToUnixTimeSeconds()) is var newestPack && Behind(wall, newestPack))
        {
            return $"This server's clock ({Format(wall)}) is behind the issue time of an installed pack ({Format(newestPack)}): set its date and time. "
                + "CALs are still served, dated from the pack.";
        }

        return Behind(wall, highest)
            ? $"This server's clock ({Format(wall)}) is behind the time the CAL ledger has already used ({Format(highest)}), as after a clock set forward and back: "
                + "the ledger keeps its own time until the clock passes it, so CALs it let lapse stay lapsed."
            : null;
    }

    // Compared without a subtraction that could overflow: the kept time is read from a file its administrator can edit.
    private static bool Behind(long wall, long time) => time > wall && (ulong)(time - wall) > (ulong)Tolerance.TotalSeconds;

    private static string Format(long unixSeconds) =>
        unixSeconds >= DateTimeOffset.MinValue.ToUnixTimeSeconds() && unixSeconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)
            : $"{unixSeconds} s since 1970, not a date";
}
