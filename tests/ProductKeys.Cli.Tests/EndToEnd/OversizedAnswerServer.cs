using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// A stand-in server on a loopback port (hostile, broken, or a proxy) that answers one request 200 with a JSON array that has no
/// end, for the tests that pk stops reading an answer at its limit (<see cref="OversizedAnswerTests"/>, <see cref="OversizedCalAnswerTests"/>).
/// </summary>
internal sealed class OversizedAnswerServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public OversizedAnswerServer() => _listener.Start();

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>
    /// Answers one request: <paramref name="endless"/>, a chunked body until pk hangs up or <paramref name="mostSent"/> bytes (so that a pk
    /// without the limit ends too); else headers saying a terabyte and no body. The bytes of body sent.
    /// </summary>
    public async Task<long> AnswerAsync(bool endless, long mostSent)
    {
        using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
        var stream = client.GetStream();
        var request = new byte[64 * 1024];
        var received = new StringBuilder();
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(request, _stop.Token);
            if (read == 0)
            {
                return 0;
            }

            received.Append(Encoding.ASCII.GetString(request, 0, read));
        }

        if (!endless)
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1099511627776\r\n\r\n["u8.ToArray(), _stop.Token);
            return 1;
        }

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(), _stop.Token);
        var body = Encoding.ASCII.GetBytes("[" + string.Concat(Enumerable.Repeat("{}, ", 16 * 1024)));
        var chunk = Encoding.ASCII.GetBytes($"{body.Length:x}\r\n").Concat(body).Concat("\r\n"u8.ToArray()).ToArray();
        long sent = 0;
        try
        {
            while (sent < mostSent)
            {
                await stream.WriteAsync(chunk, _stop.Token);
                sent += body.Length;
            }
        }
        catch (IOException)
        {
            // pk hung up.
        }

        return sent;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
