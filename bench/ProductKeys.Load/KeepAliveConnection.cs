using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProductKeys.Load;

/// <summary>
/// One keep-alive HTTP/1.1 connection of the load driver, on a plain blocking socket: it sends a
/// request whose bytes the caller wrote and reads the whole answer (Content-Length or chunked).
/// The driver's own cost per request is then two system calls and a scan of the answer, so on a
/// 2-core machine the cores it shares with the server go to the server, not to HttpClient.
/// </summary>
internal sealed class KeepAliveConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];

    public KeepAliveConnection(Uri address)
    {
        // A server that stops answering fails the run within a minute instead of hanging it.
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendTimeout = 60_000, ReceiveTimeout = 60_000 };
        _socket.Connect(new IPEndPoint(IPAddress.Parse(address.Host), address.Port));
    }

    /// <summary>The head of a <c>POST</c> of <paramref name="bodyBytes"/> bytes of JSON to <paramref name="path"/>, for the request bytes the drivers write.</summary>
    public static string JsonPostHead(Uri address, string path, int bodyBytes) =>
        $"POST {path} HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\nContent-Length: {bodyBytes}\r\n\r\n";

    /// <summary>Sends <paramref name="request"/> (a complete HTTP/1.1 request) and reads its answer.</summary>
    /// <returns>The status code and the body (valid until the next call).</returns>
    public (int Status, ReadOnlyMemory<byte> Body) Send(ReadOnlySpan<byte> request)
    {
        while (!request.IsEmpty)
        {
            request = request[_socket.Send(request)..];
        }

        var filled = 0;
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
        {
            filled += Receive(filled);
        }

        var head = Encoding.ASCII.GetString(_buffer, 0, headerEnd);
        var status = int.Parse(head.AsSpan(9, 3), provider: null);
        var bodyStart = headerEnd + 4;
        if (Header(head, "content-length") is { } length)
        {
            var end = bodyStart + int.Parse(length, provider: null);
            while (filled < end)
            {
                filled += Receive(filled);
            }

            return (status, _buffer.AsMemory(bodyStart, end - bodyStart));
        }

        if (!string.Equals(Header(head, "transfer-encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"An answer with neither Content-Length nor chunked encoding: {head}");
        }

        return (status, ReadChunked(bodyStart, filled));
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>Moves each chunk's data down to the body's start as it arrives; ends after the last (empty) chunk.</summary>
    private ReadOnlyMemory<byte> ReadChunked(int bodyStart, int filled)
    {
        var body = bodyStart;
        var at = bodyStart;
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(at, filled - at).IndexOf("\r\n"u8)) < 0)
            {
                filled += Receive(filled);
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(_buffer, at, lineEnd).Split(';')[0], 16);
            var dataStart = at + lineEnd + 2;
            while (filled < dataStart + size + 2)
            {
                filled += Receive(filled);
            }

            if (size == 0)
            {
                return _buffer.AsMemory(bodyStart, body - bodyStart);
            }

            _buffer.AsSpan(dataStart, size).CopyTo(_buffer.AsSpan(body));
            body += size;
            at = dataStart + size + 2;
        }
    }

    private int Receive(int filled)
    {
        var read = _socket.Receive(_buffer.AsSpan(filled));
        return read > 0 ? read : throw new InvalidOperationException("The server closed the connection mid-answer.");
    }

    private static string? Header(string head, string name)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }
}
