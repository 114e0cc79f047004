using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace ProductKeys.Hosting;

/// <summary>
/// A listening socket whose accept loop waits out a lack of file descriptors. Kestrel's own loop
/// retries a failed accept at once and says so only at Debug: at EMFILE it spun on accept4 (50,000
/// calls in a few seconds, measured under strace) until the runtime gave up with "Out of memory.".
/// Here a connection whose descriptor comes within the reserve's size of the soft file limit is closed
/// at once, and an accept that fails for want of descriptors (EMFILE, ENFILE, ENOBUFS) all the same is
/// caught: either gives up the server's <see cref="DescriptorReserve"/> (logged once), and no listener
/// of the server accepts until the reserve is whole again, tried after a pause doubling from 10 ms to
/// 1 s; waiting clients stay in the kernel's backlog meanwhile, and the recovery is logged.
/// </summary>
internal sealed class PatientSocketListener(Socket socket, SocketConnectionContextFactory connections, bool noDelay, DescriptorReserve reserve, TimeProvider time)
    : IConnectionListener
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _unbound = new();
    private int _disposed;

    public EndPoint EndPoint { get; } = socket.LocalEndPoint!;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        var pause = FirstPause;
        while (true)
        {
            if (reserve.Spent && !reserve.TryRefill(Name))
            {
                if (!await PauseAsync(pause, cancellationToken))
                {
                    return null;
                }

                pause = Longer(pause);
                continue;
            }

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
                // .NET words EMFILE as ENFILE ("... in system"); the log says what the operator can change.
                reserve.OutOfFiles(Name, e.SocketErrorCode == SocketError.TooManyOpenSockets ? "too many open files" : e.Message);
                if (!await PauseAsync(pause, cancellationToken))
                {
                    return null;
                }

                pause = Longer(pause);
                continue;
            }
            catch (SocketException)
            {
                continue; // reset while it waited in the backlog: the next one
            }

            if (reserve.Spent)
            {
                // Another listener ran out while this one waited in accept: the descriptor goes back to the runtime at once.
                accepted.Dispose();
                reserve.OutOfFiles(Name, "another listener ran out");
                continue;
            }

            if (DescriptorReserve.NearlyOut(accepted) is { } nearlyOut)
            {
                // Taking more would leave the runtime none to start a thread with: stop here, before EMFILE.
                accepted.Dispose();
                reserve.OutOfFiles(Name, nearlyOut);
                continue;
            }

            try
            {
                accepted.NoDelay = noDelay;
            }
            catch (SocketException)
            {
                accepted.Dispose(); // reset before it was set up (some systems say so here): the next one
                continue;
            }

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

    private static TimeSpan Longer(TimeSpan pause) => pause * 2 < LongestPause ? pause * 2 : LongestPause;

    /// <summary>Waits before trying again; false once the listener is unbound or the wait is cancelled.</summary>
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
