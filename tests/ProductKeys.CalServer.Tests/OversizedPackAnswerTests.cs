using System.Net;
using System.Net.Sockets;
using System.Text;
using ProductKeys.CalServer.Packs;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// <c>pk cal-server install-pack --service</c> against a service (hostile, broken, or a proxy) whose pack answer has no end: it was
/// read whole, up to 2 GiB. At most 1 MiB of it is read (a pack answer is a few KB), then SERVICE_UNREACHABLE saying so.
/// </summary>
public sealed class OversizedPackAnswerTests : IDisposable
{
    /// <summary>Where the stand-in service stops sending anyway (and hangs up), so that an installer without the limit ends too.</summary>
    private const long MostSent = 32L * 1024 * 1024;

    private readonly CalWorld _world = new();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public OversizedPackAnswerTests() => _listener.Start();

    [Fact]
    public async Task A_pack_answer_over_1_MiB_is_SERVICE_UNREACHABLE_saying_so_and_installs_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var answering = AnswerAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var service = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        var key = ProductKey.Derive(KeyType.Mak, 1, 1, new byte[32]).ToString();

        // Before: the 32 MiB were read, then "could not reach" as the service hung up.
        var installed = await new PackInstaller(_world.Folder, _world.Time).InstallOnlineAsync(key, false, service, _world.Trust, http, ct);
        await answering.WaitAsync(TimeSpan.FromSeconds(60), ct);

        Assert.Equal(ErrorCatalogue.ServiceUnreachable.Code, installed.Refusal?.Code);
        Assert.Contains("answered more than 1 MiB, which no ProductKeys licensing service sends for a CAL pack", installed.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Empty(await _world.Ledger.PacksAsync(ct));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
        _world.Dispose();
    }

    /// <summary>Answers the publisher keys request with the world's key (and hangs up), then the pack request with an endless chunked body.</summary>
    private async Task AnswerAsync()
    {
        var keys = Encoding.UTF8.GetBytes($$"""{"keys":[{"keyId":"{{_world.Publisher.KeyId}}","pem":{{System.Text.Json.JsonSerializer.Serialize(_world.Publisher.PublicKey.ToPem())}}}]}""");
        using (var first = await _listener.AcceptTcpClientAsync(_stop.Token))
        {
            var stream = first.GetStream();
            await ReadHeadersAsync(stream);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {keys.Length}\r\nConnection: close\r\n\r\n").Concat(keys).ToArray(), _stop.Token);
        }

        using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
        var pack = client.GetStream();
        await ReadHeadersAsync(pack);
        await pack.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(), _stop.Token);
        var body = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
        var chunk = Encoding.ASCII.GetBytes($"{body.Length:x}\r\n").Concat(body).Concat("\r\n"u8.ToArray()).ToArray();
        long sent = 0;
        try
        {
            while (sent < MostSent)
            {
                await pack.WriteAsync(chunk, _stop.Token);
                sent += body.Length;
            }
        }
        catch (IOException)
        {
            // The installer hung up.
        }
    }

    private async Task ReadHeadersAsync(NetworkStream stream)
    {
        var buffer = new byte[64 * 1024];
        var received = new StringBuilder();
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }
}
