namespace ProductKeys.KmsHost.Counting;

/// <summary>
/// One product's clients seen within the count window, kept in memory by the database's single
/// writer so each visit's count is exact without a <c>COUNT(*)</c> per visit. The writer is the only
/// thread that changes it; <see cref="Published"/> is the one value other threads may read.
/// </summary>
internal sealed class SeenClients
{
    private static readonly Comparer<(long Seen, string Cmid)> ByTime =
        Comparer<(long Seen, string Cmid)>.Create((a, b) => a.Seen != b.Seen ? a.Seen.CompareTo(b.Seen) : string.CompareOrdinal(a.Cmid, b.Cmid));

    private readonly Dictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
    private readonly SortedSet<(long Seen, string Cmid)> _byTime = new(ByTime);
    private volatile int _published;

    /// <summary>The count after the last visit the writer decided (a hint for other threads, never a decision).</summary>
    public int Published => _published;

    /// <summary>Distinct clients in the window.</summary>
    public int Count => _lastSeen.Count;

    /// <summary>Remembers that <paramref name="cmid"/> was seen at <paramref name="seen"/> (Unix seconds); a later time wins.</summary>
    /// <returns>When it was seen before, or <c>null</c> when it is new: what <see cref="Undo"/> needs.</returns>
    public long? See(string cmid, long seen)
    {
        long? previous = _lastSeen.TryGetValue(cmid, out var before) ? before : null;
        if (previous is { } p && p >= seen)
        {
            return previous;
        }

        if (previous is { } old)
        {
            _byTime.Remove((old, cmid));
        }

        _lastSeen[cmid] = seen;
        _byTime.Add((seen, cmid));
        _published = _lastSeen.Count;
        return previous;
    }

    /// <summary>Takes back a <see cref="See"/> whose visit was not recorded.</summary>
    public void Undo(string cmid, long seen, long? previous)
    {
        if (previous is { } p && p >= seen)
        {
            return;
        }

        _byTime.Remove((seen, cmid));
        if (previous is { } old)
        {
            _lastSeen[cmid] = old;
            _byTime.Add((old, cmid));
        }
        else
        {
            _lastSeen.Remove(cmid);
        }

        _published = _lastSeen.Count;
    }

    /// <summary>Forgets the clients last seen at or before <paramref name="windowStart"/>.</summary>
    public void Forget(long windowStart)
    {
        while (_byTime.Count > 0 && _byTime.Min is var oldest && oldest.Seen <= windowStart)
        {
            _byTime.Remove(oldest);
            _lastSeen.Remove(oldest.Cmid);
        }

        _published = _lastSeen.Count;
    }
}
