using System.Globalization;
using System.Security.Cryptography;

namespace ProductKeys.KmsHost.Clients;

/// <summary>
/// The host's activation IDs, <c>kmsa-</c> and 16 lowercase hex digits, in issue order: 8 digits of
/// the issue time (Unix seconds), then 8 of a counter. New IDs sort after the ones before, so the
/// activations table grows at its end (one page written per commit, however many activations it
/// holds) instead of touching a random page per activation. They also sort after the last ID the
/// database holds (<see cref="ActivationIds(string?)"/>): a host restarted within the same second,
/// or whose clock went back, never issues an ID again — a duplicate would fail its whole commit.
/// </summary>
internal sealed class ActivationIds
{
    private const string Prefix = "kmsa-";
    private readonly uint _floorSeconds;
    private int _counter;

    /// <param name="after">The last ID already issued, if any: every new ID sorts after it.</param>
    public ActivationIds(string? after = null)
    {
        if (after is { Length: 21 } && after.StartsWith(Prefix, StringComparison.Ordinal)
            && uint.TryParse(after.AsSpan(5, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var seconds)
            && uint.TryParse(after.AsSpan(13, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var counter))
        {
            // The counter goes on from the last ID (at its wrap, a second later).
            (_floorSeconds, _counter) = counter == uint.MaxValue ? (seconds + 1, -1) : (seconds, (int)counter);
        }
        else
        {
            _counter = RandomNumberGenerator.GetInt32(int.MaxValue);
        }
    }

    /// <summary>IDs issued before <paramref name="time"/> (and any from before this format) sort before this.</summary>
    public static string Bound(DateTimeOffset time) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{(uint)Math.Clamp(time.ToUnixTimeSeconds(), 0, uint.MaxValue):x8}");

    public string Next(DateTimeOffset issuedAt)
    {
        var sequence = (uint)Interlocked.Increment(ref _counter);
        var seconds = Math.Max(_floorSeconds, (uint)Math.Clamp(issuedAt.ToUnixTimeSeconds(), 0, uint.MaxValue));
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{seconds:x8}{sequence:x8}");
    }
}
