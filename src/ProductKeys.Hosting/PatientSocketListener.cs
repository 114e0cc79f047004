using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace ProductKeys.Hosting;

/// <summary>
/// A listening socket whose accept loop waits out a lack of file descriptors. Kestrel's own loop
/// retries a failed accept at once and says so only at Debug: at EMFILE it spun on accept4 (50,000
/// calls in a few seconds, measured under strace), the thread pool kept starting threads that could
/// not get a descriptor either, and the runtime gave up with "Out of memory.". Here an accept that
/// fails for want of descriptors (EMFILE, ENFILE, ENOBUFS) is logged once and retried after a pause
/// doubling from 10 ms to 1 s; waiting clients stay in the kernel's backlog, and the first accept
/// that succeeds is logged as the recovery.
/// </summary>
internal sealed class PatientSocketListener(Socket socket, SocketConnectionContextFactory connections, bool noDelay, ILogger logger, TimeProvider time)
    : IConnectionListener
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    private readonly OverloadEpisode _outOfFiles = new(time);
    private readonly CancellationTokenSource _unbound = new();
    private int _disposed;

    public EndPoint EndPoint { get; } = socket.LocalEndPoint!;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        var pause = FirstPause;
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await socket.AcceptAsync(cancellationToken);
            }
            catch (ObjectDisposedException)
            {
                return null; // unbound
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                return null; // unbound
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
            {
                if (_outOfFiles.Refused() is not null)
                {
                    ConnectionLog.OutOfFiles(logger, Name, e.Message);
                }

                if (!await PauseAsync(pause, cancellationToken))
                {
                    return null;
                }

                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
                continue;
            }
            catch (SocketException)
            {
                continue; // reset while it waited in the backlog: the next one
            }

            if (_outOfFiles.Ended() is { } ended)
            {
                ConnectionLog.FilesAgain(logger, Name, ended.Refusals, ended.Lasted.TotalSeconds);
            }

            accepted.NoDelay = noDelay;
            return connections.Create(accepted);
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _unbound.Cancel();
        }

        socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _unbound.Cancel();
            socket.Dispose();
            connections.Dispose();
            _unbound.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private string Name => EndPoint.ToString()!;

    /// <summary>Waits before the next accept; false once the listener is unbound or the wait is cancelled.</summary>
    private async Task<bool> PauseAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbound.Token);
        try
        {
            await Task.Delay(pause, time, either.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
