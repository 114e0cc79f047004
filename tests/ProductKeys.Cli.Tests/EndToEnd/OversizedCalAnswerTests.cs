using System.Net;
using System.Net.Sockets;
using System.Text;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>pk cal request</c> against a CAL server (hostile, broken, or a proxy) whose answer has no end: pk read it whole,
/// up to 2 GiB. It reads at most 1 MiB of it (a CAL is a few KB), then CAL_SERVER_UNREACHABLE saying so.
/// </summary>
public sealed class OversizedCalAnswerTests : IDisposable
{
    /// <summary>Where the stand-in server stops sending anyway (and hangs up), so that a pk without the limit ends too.</summary>
    private const long MostSent = 32L * 1024 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public OversizedCalAnswerTests() => _listener.Start();

    private string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    [Fact]
    public async Task A_CAL_answer_over_1_MiB_is_CAL_SERVER_UNREACHABLE_saying_so()
    {
        var answering = AnswerAsync();

        // Before: pk read the 32 MiB, then "could not reach" as the server hung up.
        var result = await Pk.RunAsync("cal", "request", "--cal-server", Url, "--user", "alice");
        await answering.WaitAsync(Patience.Process, TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == ErrorCatalogue.CalServerUnreachable.ExitCode, result.ToString());
        Assert.Contains("answered more than 1 MiB, which no CAL server sends", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    /// <summary>Answers one request 200 with an endless chunked JSON array, until pk hangs up or <see cref="MostSent"/>.</summary>
    private async Task AnswerAsync()
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
                return;
            }

            received.Append(Encoding.ASCII.GetString(request, 0, read));
        }

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(), _stop.Token);
        var body = Encoding.ASCII.GetBytes("[" + string.Concat(Enumerable.Repeat("{}, ", 16 * 1024)));
        var chunk = Encoding.ASCII.GetBytes($"{body.Length:x}\r\n").Concat(body).Concat("\r\n"u8.ToArray()).ToArray();
        long sent = 0;
        try
        {
            while (sent < MostSent)
            {
                await stream.WriteAsync(chunk, _stop.Token);
                sent += body.Length;
            }
        }
        catch (IOException)
        {
            // pk hung up.
        }
    }
}
