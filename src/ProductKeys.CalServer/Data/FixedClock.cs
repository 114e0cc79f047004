namespace ProductKeys.CalServer.Data;

/// <summary>A clock that always reads one time: what the ledger signs at, or a pack's "no clock" check (<see cref="EndOfTime"/>).</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    /// <summary>
    /// The last representable year: a pack certificate never expires, so verified at this time only its signature and fields
    /// are checked. Its one time check, "not issued in the future", fails on a stored pack only when this server's clock is
    /// behind the publisher's — a clock problem the report names (<see cref="LedgerClock"/>), never a reason to drop the pack.
    /// </summary>
    public static readonly FixedClock EndOfTime = new(DateTimeOffset.MaxValue.AddYears(-1));

    public override DateTimeOffset GetUtcNow() => now;
}
