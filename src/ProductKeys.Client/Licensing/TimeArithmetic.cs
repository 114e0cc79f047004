namespace ProductKeys.Client.Licensing;

/// <summary>
/// Date arithmetic on values read from a license store. The store is a file its user can edit (and
/// re-seal, ADR 0019): a time such as 9999-12-31 plus 30 days of grace must give a state, never an
/// exception, so sums stop at the ends of <see cref="DateTimeOffset"/>'s range instead of throwing.
/// </summary>
internal static class TimeArithmetic
{
    /// <summary><paramref name="time"/> + <paramref name="span"/>, held at <see cref="DateTimeOffset.MaxValue"/> or <see cref="DateTimeOffset.MinValue"/>.</summary>
    public static DateTimeOffset Plus(DateTimeOffset time, TimeSpan span)
    {
        var utc = time.UtcDateTime;
        if (span > TimeSpan.Zero && DateTime.MaxValue - utc < span)
        {
            return DateTimeOffset.MaxValue;
        }

        if (span < TimeSpan.Zero && utc - DateTime.MinValue < span.Duration())
        {
            return DateTimeOffset.MinValue;
        }

        return time + span;
    }
}
