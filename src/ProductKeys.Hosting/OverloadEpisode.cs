namespace ProductKeys.Hosting;

/// <summary>
/// One kind of overload on one listener (full, out of file descriptors), told in two log lines: when
/// it starts and when it ends, never one per refused connection (a flood would flood the log too).
/// A start within <see cref="Quiet"/> of the last end is told only if it lasts that long, counted
/// from the first of a run of such untold relapses (an overload that comes and goes every few seconds
/// is told once it has gone on for that long); its refusals are counted into the next line either
/// way, so the log stays bounded and never silent about an overload that goes on.
/// </summary>
internal sealed class OverloadEpisode(TimeProvider time)
{
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private volatile bool _on;
    private bool _told;
    private bool _untoldSinceStart; // _startedAt is the start of a run of untold relapses
    private long _refusals;
    private DateTimeOffset _startedAt;
    private DateTimeOffset _countingSince;
    private DateTimeOffset? _endedAt;

    /// <summary>A refused connection or failed accept: the refusals to tell of now that the overload should be told, else null.</summary>
    public long? Refused()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_refusals++ == 0)
            {
                _countingSince = now;
            }

            if (!_on)
            {
                _on = true;
                if (!_untoldSinceStart)
                {
                    _startedAt = now;
                    _untoldSinceStart = true;
                }
            }

            if (_told || (_endedAt is { } ended && now - ended < Quiet && now - _startedAt < Quiet))
            {
                return null;
            }

            _told = true;
            _untoldSinceStart = false;
            return _refusals;
        }
    }

    /// <summary>The overload is over: what to tell of it (refusals, since when), or null when its start was not told.</summary>
    public (long Refusals, TimeSpan Lasted)? Ended()
    {
        if (!_on)
        {
            return null;
        }

        lock (_lock)
        {
            if (!_on)
            {
                return null;
            }

            var now = time.GetUtcNow();
            _on = false;
            _endedAt = now;
            if (!_told)
            {
                return null;
            }

            _told = false;
            var told = (_refusals, now - _countingSince);
            _refusals = 0;
            return told;
        }
    }
}
