namespace ProductKeys.Data.Throttles;

/// <summary>
/// Failures counted for one throttle key (an account, an address, an address and a name), shared by
/// every node. Only failures write; times are Unix milliseconds so both providers compare them as numbers.
/// </summary>
public sealed class ThrottleCounter
{
    /// <summary>E.g. <c>sign-in:user:ALICE</c> or <c>guess:10.0.0.1</c>.</summary>
    public required string Key { get; set; }

    /// <summary>Failures since the counter was last idle for its decay period.</summary>
    public int Failures { get; set; }

    public long LastFailureAt { get; set; }

    /// <summary>Refused until then (0: not blocked).</summary>
    public long BlockedUntil { get; set; }
}
