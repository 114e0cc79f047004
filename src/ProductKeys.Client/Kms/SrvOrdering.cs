using System.Security.Cryptography;

namespace ProductKeys.Client.Kms;

/// <summary>
/// The order to try SRV targets in (RFC 2782): by priority, lowest first; within one priority a
/// weighted random selection, repeated on the targets not yet chosen.
/// </summary>
public static class SrvOrdering
{
    /// <summary>Orders with a cryptographic random source (spreads load; nothing secret depends on it).</summary>
    public static IReadOnlyList<SrvTarget> Order(IEnumerable<SrvTarget> records) =>
        Order(records, maxInclusive => RandomNumberGenerator.GetInt32(maxInclusive + 1));

    /// <summary>Orders with <paramref name="randomUpTo"/>, which returns a number from 0 to its argument inclusive.</summary>
    public static IReadOnlyList<SrvTarget> Order(IEnumerable<SrvTarget> records, Func<int, int> randomUpTo)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(randomUpTo);
        var ordered = new List<SrvTarget>();

        // A target of "." means "no service here" (RFC 2782).
        foreach (var group in records.Where(r => r.Target is { Length: > 0 } and not ".").GroupBy(r => r.Priority).OrderBy(g => g.Key))
        {
            // Zero-weight records go first in the list, so they are chosen only when the draw is 0; the
            // rest may be in any order (RFC 2782), so by name, which keeps a given draw reproducible.
            var left = group.OrderBy(r => r.Weight == 0 ? 0 : 1).ThenBy(r => r.Target, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Port).ToList();
            while (left.Count > 0)
            {
                var total = left.Sum(r => r.Weight);
                var draw = randomUpTo(total);
                var running = 0;
                var chosen = left[^1];
                foreach (var record in left)
                {
                    running += record.Weight;
                    if (running >= draw)
                    {
                        chosen = record;
                        break;
                    }
                }

                ordered.Add(chosen);
                left.Remove(chosen);
            }
        }

        return ordered;
    }
}
