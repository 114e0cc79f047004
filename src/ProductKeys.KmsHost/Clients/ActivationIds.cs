using System.Globalization;
using System.Security.Cryptography;

namespace ProductKeys.KmsHost.Clients;

/// <summary>
/// The host's activation IDs, <c>kmsa-</c> and 16 lowercase hex digits, in issue order: 8 digits of
/// the issue time (Unix seconds), then 8 of a counter that starts at a random value in each process.
/// New IDs sort after the ones before, so the activations table grows at its end (one page written
/// per commit, however many activations it holds) instead of touching a random page per activation;
/// within a process two IDs are never equal.
/// </summary>
internal sealed class ActivationIds
{
    private int _counter = RandomNumberGenerator.GetInt32(int.MaxValue);

    public string Next(DateTimeOffset issuedAt)
    {
        var sequence = (uint)Interlocked.Increment(ref _counter);
        var seconds = (uint)Math.Clamp(issuedAt.ToUnixTimeSeconds(), 0, uint.MaxValue);
        return string.Create(CultureInfo.InvariantCulture, $"kmsa-{seconds:x8}{sequence:x8}");
    }
}
