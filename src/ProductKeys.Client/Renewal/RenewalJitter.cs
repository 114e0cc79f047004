using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ProductKeys.Client.Renewal;

/// <summary>
/// Spreads devices whose attempts fall due at the same moment (a thousand machines re-imaged on a
/// Monday) over a window after the due time, so a host never sees them in the same second
/// (ADR 0012). The delay is never negative (no attempt before it is due) and always shorter than
/// the window: a quarter of the wait, at most <see cref="MaxWindow"/>. It is drawn from a per-device
/// seed and the due time, so one device spreads its own attempts too.
/// </summary>
public static class RenewalJitter
{
    /// <summary>The widest window: an attempt is never later than one hour after it was due.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);

    /// <summary>The window for an attempt due <paramref name="wait"/> after it was scheduled.</summary>
    public static TimeSpan Window(TimeSpan wait) =>
        wait <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(wait.Ticks / 4, MaxWindow.Ticks));

    /// <summary>A new random per-device seed.</summary>
    public static ulong NewSeed() => BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));

    /// <summary>When to make an attempt due at <paramref name="due"/>, scheduled at <paramref name="now"/>.</summary>
    /// <returns>A time in [<paramref name="due"/>, <paramref name="due"/> + window); <paramref name="due"/> itself when it has passed.</returns>
    public static DateTimeOffset WakeTime(DateTimeOffset due, DateTimeOffset now, ulong seed)
    {
        var window = Window(due - now);
        if (window == TimeSpan.Zero)
        {
            return due;
        }

        return due + Spread(window, seed, due);
    }

    /// <summary>
    /// This device's offset in [0, <paramref name="window"/>) for an attempt due at
    /// <paramref name="due"/>: the renewal loop waits it before a first or overdue attempt.
    /// </summary>
    internal static TimeSpan Spread(TimeSpan window, ulong seed, DateTimeOffset due)
    {
        if (window <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        Span<byte> input = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(input, seed);
        BinaryPrimitives.WriteInt64LittleEndian(input[8..], due.UtcTicks);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        var draw = BinaryPrimitives.ReadUInt64LittleEndian(hash);
        // draw / 2^64 is in [0, 1): the offset stays strictly inside the window.
        return TimeSpan.FromTicks((long)((UInt128)draw * (ulong)window.Ticks >> 64));
    }
}
