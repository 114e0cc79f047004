using System.Net;
using System.Net.Sockets;
using System.Text;
using ProductKeys.Client.Activation;
using ProductKeys.Client.Kms;
using ProductKeys.Core.Contracts;

namespace ProductKeys.Client.Tests.Activation;

/// <summary>
/// A service or KMS host that answers a huge body (a hostile review: 400 MB made 'pk ato' use 2.3 GB).
/// A fake server on 127.0.0.1 offers 64 MiB; the device reads at most 1 MiB, refuses with the code
/// of a server it cannot use, and closes the connection, so the server could send little more than
/// what fits in the sockets' buffers.
/// </summary>
public sealed class OversizedAnswerTests
{
    private const long Offered = 64L * 1024 * 1024;
    private const long MostThatFitsInBuffers = 24L * 1024 * 1024;

    [Theory]
    [InlineData(200, false)]
    [InlineData(200, true)]
    [InlineData(500, false)]
    [InlineData(500, true)]
    [InlineData(409, true)]
    public async Task A_service_answering_a_huge_body_is_refused_after_one_MiB(int status, bool declaresLength)
    {
        await using var server = new FloodingServer(status, declaresLength);
        using var http = new HttpClient();
        var client = new LicensingServiceClient(http);

        var answer = await client.ActivateAsync(server.Url, new MakActivationRequest("key", "desktop", "hw"), TestContext.Current.CancellationToken);

        Assert.False(answer.IsSuccess);
        Assert.Equal(status >= 500 ? "SERVICE_UNAVAILABLE" : "SERVICE_UNREACHABLE", answer.Refusal.Code);
        Assert.Contains("1 MiB", answer.Refusal.Detail, StringComparison.Ordinal);
        Assert.InRange(await server.SentAsync(), 0, MostThatFitsInBuffers);
    }

    [Theory]
    [InlineData(200, false)]
    [InlineData(200, true)]
    [InlineData(503, false)]
    public async Task A_KMS_host_answering_a_huge_body_is_unreachable_after_one_MiB(int status, bool declaresLength)
    {
        await using var server = new FloodingServer(status, declaresLength);
        using var http = new HttpClient();
        var transport = new HttpKmsTransport(http);

        var answer = await transport.SendAsync(new KmsHostAddress("127.0.0.1", server.Url.Port),
            new KmsActivationRequest("cmid", "desktop", "InitialGrace", "hw", DateTimeOffset.UnixEpoch), TestContext.Current.CancellationToken);

        Assert.False(answer.IsSuccess);
        Assert.Equal("KMS_UNREACHABLE", answer.Refusal.Code);
        Assert.Contains("1 MiB", answer.Refusal.Detail, StringComparison.Ordinal);
        Assert.InRange(await server.SentAsync(), 0, MostThatFitsInBuffers);
    }

    [Theory]
    [InlineData(200, "application/json", "not json")]
    [InlineData(200, "application/json; charset=foo", "{}")]
    [InlineData(503, "application/json; charset=foo", "{\"code\":\"SERVICE_UNAVAILABLE\"}")]
    public async Task A_KMS_host_answering_what_is_not_JSON_in_UTF_8_is_unreachable_not_an_exception(int status, string contentType, string body)
    {
        await using var server = new FloodingServer(status, declaresLength: true, Encoding.UTF8.GetBytes(body), contentType);
        using var http = new HttpClient();

        var answer = await new HttpKmsTransport(http).SendAsync(new KmsHostAddress("127.0.0.1", server.Url.Port),
            new KmsActivationRequest("cmid", "desktop", "InitialGrace", "hw", DateTimeOffset.UnixEpoch), TestContext.Current.CancellationToken);

        Assert.Equal("KMS_UNREACHABLE", answer.Refusal?.Code);
    }

    [Fact]
    public async Task A_service_refusing_in_a_charset_other_than_UTF_8_is_a_refusal_not_an_exception()
    {
        await using var server = new FloodingServer(409, declaresLength: true, Encoding.UTF8.GetBytes("{\"code\":\"MAK_LIMIT_REACHED\"}"), "application/json; charset=foo");
        using var http = new HttpClient();

        var answer = await new LicensingServiceClient(http).ActivateAsync(server.Url, new MakActivationRequest("k", "p", "h"), TestContext.Current.CancellationToken);

        Assert.Equal("SERVICE_UNREACHABLE", answer.Refusal?.Code);
    }

    [Fact]
    public async Task An_answer_under_the_limit_is_still_read()
    {
        // A problem of a few hundred bytes, padded to just under 1 MiB, keeps its code and detail.
        var problem = "{\"code\":\"MAK_LIMIT_REACHED\",\"detail\":\"no activations left\",\"pad\":\"" + new string('x', AnswerBody.MaxBytes - 200) + "\"}";
        await using var server = new FloodingServer(409, declaresLength: true, Encoding.UTF8.GetBytes(problem));
        using var http = new HttpClient();
        var answer = await new LicensingServiceClient(http).ActivateAsync(server.Url, new MakActivationRequest("k", "p", "h"), TestContext.Current.CancellationToken);
        Assert.Equal("MAK_LIMIT_REACHED", answer.Refusal?.Code);
        Assert.Equal("no activations left", answer.Refusal?.Detail);
    }

    /// <summary>
    /// Answers one request with <c>status</c> and a body of 64 MiB (or the given body): with a
    /// Content-Length, or chunked. Counts what it could write before the client hung up.
    /// </summary>
    private sealed class FloodingServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task<long> _serving;

        public FloodingServer(int status, bool declaresLength, byte[]? body = null, string contentType = "application/json")
        {
            _listener.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _serving = ServeAsync(status, declaresLength, body, contentType);
        }

        public Uri Url { get; }

        public Task<long> SentAsync() => _serving;

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

        private async Task<long> ServeAsync(int status, bool declaresLength, byte[]? body, string contentType)
        {
            using var socket = await _listener.AcceptSocketAsync(TestContext.Current.CancellationToken);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await ReadHeadersAsync(stream);
            var length = body?.Length ?? Offered;
            var head = $"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nConnection: close\r\n"
                + (declaresLength ? $"Content-Length: {length}\r\n" : "Transfer-Encoding: chunked\r\n") + "\r\n";
            long sent = 0;
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                var chunk = Encoding.ASCII.GetBytes("{\"detail\":\"" + new string('x', 64 * 1024));
                for (var offset = 0L; offset < length; offset += chunk.Length)
                {
                    var part = body is null ? chunk.AsMemory(0, (int)Math.Min(chunk.Length, length - offset)) : body.AsMemory((int)offset, (int)Math.Min(chunk.Length, length - offset));
                    if (!declaresLength)
                    {
                        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{part.Length:x}\r\n"));
                    }

                    await stream.WriteAsync(part);
                    if (!declaresLength)
                    {
                        await stream.WriteAsync("\r\n"u8.ToArray());
                    }

                    sent += part.Length;
                }

                if (!declaresLength)
                {
                    await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
                }

                // Closing with the request's body unread would reset the connection under the client's
                // read: end the answer, then read until the client hangs up.
                socket.Shutdown(SocketShutdown.Send);
                var drain = new byte[4096];
                while (await stream.ReadAsync(drain) > 0)
                {
                }
            }
            catch (IOException)
            {
                // The client hung up: what it did not read is what it was spared.
            }

            return sent;
        }

        private static async Task ReadHeadersAsync(NetworkStream stream)
        {
            var seen = new List<byte>();
            var one = new byte[1];
            while (await stream.ReadAsync(one) == 1)
            {
                seen.Add(one[0]);
                if (seen.Count >= 4 && seen[^4] == '\r' && seen[^3] == '\n' && seen[^2] == '\r' && seen[^1] == '\n')
                {
                    return;
                }
            }
        }
    }
}
