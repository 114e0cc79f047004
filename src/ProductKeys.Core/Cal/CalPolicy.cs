namespace ProductKeys.Core.Cal;

/// <summary>The CAL server's timers and sizes, in one place (docs/product.md §5).</summary>
public static class CalPolicy
{
    /// <summary>A user's CAL stays theirs this long after their last use, then returns to the pool.</summary>
    public static readonly TimeSpan UserCalHeld = TimeSpan.FromDays(60);

    /// <summary>How long a device's temporary CAL (its first connection) is valid.</summary>
    public static readonly TimeSpan TemporaryDeviceCal = TimeSpan.FromDays(90);

    /// <summary>A permanent device CAL unused this long returns to the pool; a signed one expires then too.</summary>
    public static readonly TimeSpan PermanentDeviceCalIdle = TimeSpan.FromDays(89);

    /// <summary>The CAL server's default port (the KMS host's is 16880).</summary>
    public const int DefaultPort = 16881;

    /// <summary>Longest user name or device ID a CAL is asked for.</summary>
    public const int MaxNameLength = 128;
}
