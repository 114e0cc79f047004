using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ProductKeys.Service.Identity;

/// <summary>
/// Counts failed sign-ins per (client address, user name) in a fixed window. Per node: behind a load
/// balancer an attacker gets N × MaxFailures tries per window, still far too few for a password.
/// </summary>
internal sealed class SignInThrottle(IOptions<SignInOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _failures = new();

    public bool IsBlocked(string client, string user)
    {
        var now = time.GetUtcNow();
        return _failures.TryGetValue(Key(client, user), out var w) && w.Ends > now && w.Count >= options.Value.MaxFailures;
    }

    public void RecordFailure(string client, string user)
    {
        var now = time.GetUtcNow();
        _failures.AddOrUpdate(Key(client, user),
            _ => new Window(now + options.Value.Window, 1),
            (_, w) => w.Ends > now ? w with { Count = w.Count + 1 } : new Window(now + options.Value.Window, 1));
        if (_failures.Count > 100_000)
        {
            foreach (var stale in _failures.Where(p => p.Value.Ends <= now).Select(p => p.Key).ToList())
            {
                _failures.TryRemove(stale, out _);
            }
        }
    }

    public void Reset(string client, string user) => _failures.TryRemove(Key(client, user), out _);

    private static string Key(string client, string user) => client + "\n" + user.ToUpperInvariant();

    private sealed record Window(DateTimeOffset Ends, int Count);
}
