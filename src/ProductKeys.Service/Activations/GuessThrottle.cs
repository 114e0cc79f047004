using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ProductKeys.Service.Activations;

/// <summary>
/// Counts failed key guesses per client address and per key group in fixed windows; once a
/// partition is over its limit, activation requests from it are refused with RATE_LIMITED until
/// the window ends. Per node: N nodes allow N times the limit, which still bounds a forger to a
/// negligible fraction of the 2^50 security values.
/// </summary>
public sealed class GuessThrottle(IOptions<ActivationOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new();

    public bool IsBlocked(string? address, int? group)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        return Over($"a:{address}", o.MaxFailuresPerAddress, now) || (group is { } g && Over($"g:{g}", o.MaxFailuresPerGroup, now));
    }

    public void RecordFailure(string? address, int? group)
    {
        var now = time.GetUtcNow();
        Add($"a:{address}", now);
        if (group is { } g)
        {
            Add($"g:{g}", now);
        }

        if (_windows.Count > 100_000)
        {
            foreach (var (key, window) in _windows)
            {
                if (window.Ends <= now)
                {
                    _windows.TryRemove(key, out _);
                }
            }
        }
    }

    private bool Over(string partition, int limit, DateTimeOffset now) =>
        _windows.TryGetValue(partition, out var window) && window.Ends > now && window.Failures >= limit;

    private void Add(string partition, DateTimeOffset now)
    {
        var length = TimeSpan.FromSeconds(options.Value.WindowSeconds);
        _windows.AddOrUpdate(partition,
            _ => new Window(now + length, 1),
            (_, w) => w.Ends > now ? w with { Failures = w.Failures + 1 } : new Window(now + length, 1));
    }

    private sealed record Window(DateTimeOffset Ends, int Failures);
}
