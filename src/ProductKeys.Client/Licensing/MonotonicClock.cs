namespace ProductKeys.Client.Licensing;

/// <summary>
/// A clock that only goes forward within one boot: what lets the clock high-water mark advance by
/// time that really passed rather than by whatever the wall clock says once (ADR 0019).
/// </summary>
internal abstract class MonotonicClock
{
    /// <summary>The system's: Linux boot_id and <see cref="Environment.TickCount64"/> (milliseconds since boot).</summary>
    public static MonotonicClock System { get; } = new SystemMonotonicClock();

    /// <summary>One that follows a <see cref="TimeProvider"/>'s timestamps (tests with a fake clock).</summary>
    public static MonotonicClock From(TimeProvider time) => new TimeProviderMonotonicClock(time);

    /// <summary>The current boot (<c>null</c> when it cannot be known) and milliseconds on its monotonic clock.</summary>
    public abstract (string? BootId, long Milliseconds) Read();

    private sealed class SystemMonotonicClock : MonotonicClock
    {
        private static readonly string? BootId = ReadBootId();

        public override (string? BootId, long Milliseconds) Read() => (BootId, Environment.TickCount64);

        private static string? ReadBootId()
        {
            const string path = "/proc/sys/kernel/random/boot_id";
            try
            {
                return OperatingSystem.IsLinux() && File.Exists(path) ? File.ReadAllText(path).Trim() : null;
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    private sealed class TimeProviderMonotonicClock(TimeProvider time) : MonotonicClock
    {
        public override (string? BootId, long Milliseconds) Read() =>
            ("time-provider", (long)(time.GetTimestamp() / (double)time.TimestampFrequency * 1000));
    }
}
