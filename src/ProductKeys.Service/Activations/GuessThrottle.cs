using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace ProductKeys.Service.Activations;

/// <summary>
/// Counts failed key guesses (malformed, mistyped or forged keys) per client in fixed windows; once
/// a client is over its limit, its activation requests are refused with RATE_LIMITED until the window
/// ends. IPv6 clients count per /64 (one host usually holds a whole /64). There is deliberately no
/// limit per key group: a product's group is public (its setup keys), so such a limit would let
/// anyone lock every customer of a product out; forgeries show in pk_activations_total{result="KEY_UNKNOWN"}.
/// Per node: N nodes allow N times the limit, still a negligible share of the 2^50 security values.
/// </summary>
public sealed class GuessThrottle(IOptions<ActivationOptions> options, TimeProvider time)
{
    private const int CleanUpAbove = 10_000;
    private readonly ConcurrentDictionary<string, Window> _windows = new();
    private DateTimeOffset _nextCleanUp = DateTimeOffset.MinValue;

    public bool IsBlocked(IPAddress? client) =>
        _windows.TryGetValue(Partition(client), out var window) && window.Ends > time.GetUtcNow() && window.Failures >= options.Value.MaxFailuresPerAddress;

    public void RecordFailure(IPAddress? client)
    {
        var now = time.GetUtcNow();
        var length = TimeSpan.FromSeconds(options.Value.WindowSeconds);
        _windows.AddOrUpdate(Partition(client),
            _ => new Window(now + length, 1),
            (_, w) => w.Ends > now ? w with { Failures = w.Failures + 1 } : new Window(now + length, 1));
        if (_windows.Count > CleanUpAbove && now >= _nextCleanUp)
        {
            // At most once a window: a flood of clients costs one scan per window, not one per failure.
            _nextCleanUp = now + length;
            foreach (var (key, window) in _windows)
            {
                if (window.Ends <= now)
                {
                    _windows.TryRemove(key, out _);
                }
            }
        }
    }

    internal static string Partition(IPAddress? client)
    {
        if (client is null)
        {
            return "unknown";
        }

        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        if (client.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = client.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return client.ToString();
    }

    private sealed record Window(DateTimeOffset Ends, int Failures);
}
