using System.Net;
using System.Net.Sockets;
using System.Text;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>pk</c> against a service (hostile, broken, or a proxy) whose JSON answer has no end, or says it is a terabyte:
/// pk buffered up to 2 GiB of it before giving up with "Could not reach". It reads at most 64 MiB of one answer, then
/// SERVICE_UNREACHABLE saying so.
/// </summary>
public sealed class OversizedAnswerTests : IDisposable
{
    /// <summary>Where the stand-in service stops sending anyway, so that a pk without the limit ends too.</summary>
    private const long MostSent = 256L * 1024 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task<long>? _answering;

    public OversizedAnswerTests() => _listener.Start();

    private string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    [Theory]
    [InlineData("endless")]
    [InlineData("declared")]
    public async Task A_JSON_answer_over_64_MiB_is_SERVICE_UNREACHABLE_saying_so_and_pk_stops_reading_it(string kind)
    {
        _answering = AnswerAsync(kind == "endless");
        var environment = new Dictionary<string, string> { ["PK_CREDENTIALS"] = Path.Combine(Path.GetTempPath(), $"pk-oversized-{Guid.NewGuid():N}.json") };

        // Before: pk read the endless answer up to 2 GiB, and either answer was "Could not reach … the configured maximum buffer size".
        var result = await Pk.RunAsync(environment, "orgs", "list", "--service", Url, "--token", "pk_unused");
        var sent = await _answering.WaitAsync(Patience.Process, TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == ErrorCatalogue.ServiceUnreachable.ExitCode, result.ToString());
        Assert.StartsWith($"SERVICE_UNREACHABLE: {Url}/ answered more than 64 MiB, more than pk reads of one answer", result.Stderr, StringComparison.Ordinal);
        // What the socket buffers hold beside what pk read: far less than the 32 MiB allowed here.
        Assert.True(sent < ServiceClientLimit + (32L * 1024 * 1024), $"pk read on: {sent} bytes were sent");
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private const long ServiceClientLimit = 64L * 1024 * 1024;

    /// <summary>Answers one request 200 with a JSON array: endless (chunked, until pk hangs up or <see cref="MostSent"/>), or headers saying a terabyte and no body.</summary>
    private async Task<long> AnswerAsync(bool endless)
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

        return sent;
    }
}
