using System.Net;
using System.Net.Sockets;
using System.Text;
using ProductKeys.Client.Activation;
using ProductKeys.Client.Kms;
using ProductKeys.Core.Contracts;

namespace ProductKeys.Client.Tests.Activation;

/// <summary>
/// An address of the wrong kind of ProductKeys server (found by a new administrator's walkthrough: 'pk skms' given the licensing
/// service's port, 'pk kms-host activate --service' given a CAL server's): it answers 404 with code NOT_FOUND and no detail, as
/// ASP.NET Core does for a path it does not map. That was NOT_FOUND's "check the name, id or path", naming neither the address
/// nor the option; a KMS client also stopped there instead of trying the next host. Now it names the address and what should listen there.
/// </summary>
public sealed class WrongServerTests
{
    [Fact]
    public async Task A_KMS_client_pointed_at_another_server_is_KMS_UNREACHABLE_naming_the_address()
    {
        await using var server = new NotFoundServer();
        using var http = new HttpClient();

        var answer = await new HttpKmsTransport(http).SendAsync(new KmsHostAddress("127.0.0.1", server.Port),
            new KmsActivationRequest("cmid", "desktop", "InitialGrace", "hw", DateTimeOffset.UnixEpoch), TestContext.Current.CancellationToken);

        Assert.Equal("KMS_UNREACHABLE", answer.Refusal?.Code);
        Assert.Contains($"127.0.0.1:{server.Port}", answer.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Contains("is not a KMS host", answer.Refusal.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("..", answer.Refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_activation_sent_to_another_server_is_SERVICE_UNREACHABLE_naming_the_address()
    {
        await using var server = new NotFoundServer();
        using var http = new HttpClient();

        var answer = await new LicensingServiceClient(http).ActivateKmsHostAsync(new Uri($"http://127.0.0.1:{server.Port}"),
            new KmsHostActivationRequest("key", "kms-host-01", "pem"), TestContext.Current.CancellationToken);

        Assert.Equal("SERVICE_UNREACHABLE", answer.Refusal?.Code);
        Assert.Contains($"http://127.0.0.1:{server.Port} answered 404", answer.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Contains("/api/v1/kms-host-activations", answer.Refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("is not a ProductKeys licensing service", answer.Refusal.Detail, StringComparison.Ordinal);
    }

    /// <summary>Answers every request 404 with the problem a KMS host or CAL server sends for a path it does not map.</summary>
    private sealed class NotFoundServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _serving;

        public NotFoundServer()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _serving = ServeAsync();
        }

        public int Port { get; }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await _serving;
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }

        private async Task ServeAsync()
        {
            using var socket = await _listener.AcceptSocketAsync(TestContext.Current.CancellationToken);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var seen = new List<byte>();
            var one = new byte[1];
            while (await stream.ReadAsync(one) == 1 && !(seen.Count >= 3 && seen[^3] == '\r' && seen[^2] == '\n' && seen[^1] == '\r' && one[0] == '\n'))
            {
                seen.Add(one[0]);
            }

            var body = """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not Found","status":404,"code":"NOT_FOUND"}"""u8.ToArray();
            var head = $"HTTP/1.1 404 Not Found\r\nContent-Type: application/problem+json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                await stream.WriteAsync(body);
                socket.Shutdown(SocketShutdown.Send);
                var drain = new byte[4096];
                while (await stream.ReadAsync(drain) > 0)
                {
                }
            }
            catch (IOException)
            {
                // The client hung up.
            }
        }
    }
}
