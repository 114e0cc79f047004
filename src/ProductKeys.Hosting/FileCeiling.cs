using Microsoft.Extensions.Logging;

namespace ProductKeys.Hosting;

/// <summary>
/// The connections a whole server holds, across its listeners, kept under <see cref="ConnectionLimits.Ceiling"/>.
/// The listeners' own budgets add up to it by default; this holds when <c>Connections:Max</c> is set
/// higher than the file limit allows (measured: <c>--max-connections 3000</c> under <c>ulimit -n 1024</c>
/// reached EMFILE and the runtime died with "Out of memory.").
/// </summary>
internal sealed class FileCeiling(long? ceiling, ILogger logger, TimeProvider time)
{
    private readonly OverloadEpisode _reached = new(time);
    private long _open;

    public long Open => Interlocked.Read(ref _open);

    /// <summary>Counts a new connection in; false (and it is not counted) when the server is at its ceiling.</summary>
    public bool TryEnter(string listener)
    {
        if (Interlocked.Increment(ref _open) <= (ceiling ?? long.MaxValue))
        {
            return true;
        }

        Interlocked.Decrement(ref _open);
        if (_reached.Refused() is not null)
        {
            ConnectionLog.AtCeiling(logger, listener, ceiling!.Value);
        }

        return false;
    }

    /// <summary>Counts a connection out; says when a tenth of the ceiling is free again after it was reached.</summary>
    public void Leave(string listener)
    {
        var open = Interlocked.Decrement(ref _open);
        if (ceiling is { } most && open <= most - (most / 10) && _reached.Ended() is { } ended)
        {
            ConnectionLog.BelowCeiling(logger, listener, open, ended.Refusals, ended.Lasted.TotalSeconds);
        }
    }
}
