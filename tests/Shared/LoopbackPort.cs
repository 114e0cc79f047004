using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ProductKeys.Testing;

/// <summary>
/// Free loopback ports for the servers the tests start, taken below the kernel's ephemeral range.
/// A port the kernel hands out for "port 0" is an ephemeral one, and so is the local port of every
/// outgoing connection: between choosing such a port and binding it (or between killing a node and
/// restarting it on the same port) a client connection can take it, and the server then refuses to
/// start with ADDRESS_IN_USE. Ports below the range are only ever taken by a bind. Test processes run
/// side by side, so each port handed out is also claimed, for the rest of the process's life, by binding
/// an abstract Unix socket named after it (<c>@pk-test-port-PORT</c>; no file, no permissions, the same
/// network namespace as the port): another test process skips it even before its server has bound it,
/// or while a node restarts. The kernel drops the claims when the process ends, however it ends.
/// </summary>
internal static class LoopbackPort
{
    private const int Lowest = 10_000;

    private static readonly int EphemeralLow = ReadEphemeralLow();

    private static readonly List<Socket> Claimed = [];

    // Each test process starts at its own place, so processes running side by side rarely try the same port.
    private static int _next = Lowest + Random.Shared.Next(Math.Max(1, EphemeralLow - Lowest));

    /// <summary>A TCP port on 127.0.0.1 that nothing is bound to now.</summary>
    public static int FreeTcp()
    {
        var span = EphemeralLow - Lowest;
        if (span < 1_000)
        {
            return KernelChosen(); // an unusual range leaves too few below it: the kernel's choice, as before this class
        }

        for (var attempt = 0; attempt < span; attempt++)
        {
            var port = Lowest + (Interlocked.Increment(ref _next) - Lowest) % span;
            if (CanBind(port) && Claim(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free port between {Lowest} and {EphemeralLow}.");
    }

    /// <summary>Binds the port's abstract socket name and keeps it bound; false when another process holds it.</summary>
    private static bool Claim(int port)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true; // abstract names are Linux's; elsewhere the bind check alone
        }

        var claim = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            claim.Bind(new UnixDomainSocketEndPoint("\0pk-test-port-" + port.ToString(CultureInfo.InvariantCulture)));
        }
        catch (SocketException)
        {
            claim.Dispose();
            return false;
        }

        lock (Claimed)
        {
            Claimed.Add(claim);
        }

        return true;
    }

    private static bool CanBind(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int KernelChosen()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static int ReadEphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768; // Linux's default
        }
    }
}
