using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace ProductKeys.Hosting;

/// <summary>
/// At most <paramref name="limit"/> connections at once on one listener, and the server under its
/// <see cref="FileCeiling"/> (a Kestrel connection middleware). A connection over either is closed at
/// once, so its descriptor is free again before the next accept; the listener is told full once, and
/// free again once a tenth of its budget is back (so a flood hovering at the limit does not write a
/// line per connection).
/// </summary>
internal sealed class ListenerBudget(long limit, FileCeiling server, Func<string> listener, ILogger logger, TimeProvider time)
{
    private readonly OverloadEpisode _full = new(time);
    private long _open;

    public long Open => Interlocked.Read(ref _open);

    public ConnectionDelegate Around(ConnectionDelegate next) => connection => OnConnectionAsync(connection, next);

    private async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (!TryEnter())
        {
            // As Kestrel's own limit does: completing both pipes ends the connection, and Kestrel closes its socket.
            await connection.Transport.Input.CompleteAsync();
            await connection.Transport.Output.CompleteAsync();
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            server.Leave(listener());
            var open = Interlocked.Decrement(ref _open);
            if (open <= limit - (limit / 10) && _full.Ended() is { } ended)
            {
                ConnectionLog.NoLongerFull(logger, listener(), open, ended.Refusals, ended.Lasted.TotalSeconds);
            }
        }
    }

    private bool TryEnter()
    {
        if (Interlocked.Increment(ref _open) > limit)
        {
            Interlocked.Decrement(ref _open);
            if (_full.Refused() is not null)
            {
                ConnectionLog.Full(logger, listener(), limit);
            }

            return false;
        }

        if (!server.TryEnter(listener()))
        {
            Interlocked.Decrement(ref _open);
            return false;
        }

        return true;
    }
}
