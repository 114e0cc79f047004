using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ProductKeys.Hosting.Tests;

/// <summary>
/// A listener with its budget taken closes new connections at once, says so once, says when it
/// accepts again, and answers again (in process, on 127.0.0.1; the floods past the file limit run
/// the real servers: Cli.Tests FloodTests).
/// </summary>
public sealed class ConnectionGuardTests
{
    private const int Limit = 3;

    [Fact]
    public async Task Connections_over_the_limit_are_closed_with_one_line_and_the_listener_answers_again_when_they_end()
    {
        var log = new LogLines();
        await using var app = Build(log, Limit);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var port = new Uri(app.Urls.Single()).Port;

        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < Limit; i++)
            {
                // Each has had an answer, so the server counts it; keep-alive then holds it open.
                held.Add(await OpenWithAnswerAsync(port));
            }

            for (var i = 0; i < 5; i++)
            {
                using var over = await ConnectAsync(port);
                // Closed at once (an unbounded listener would keep it open, and the wait would be cancelled).
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
                wait.CancelAfter(TimeSpan.FromSeconds(20));
                Assert.Equal(0, await over.ReceiveAsync(new byte[256], wait.Token));
            }
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }

        using var http = new HttpClient();
        Assert.Equal("ok", await AnswerAsync(http, $"http://127.0.0.1:{port}/healthz"));
        Assert.Single(log.Lines, l => l.Contains($"{Limit} connections open, its limit", StringComparison.Ordinal));
        Assert.Single(log.Lines, l => l.Contains("accepting connections again", StringComparison.Ordinal) && l.Contains("5 were closed", StringComparison.Ordinal));
    }

    [Fact]
    public void Tcp_addresses_bind_through_the_patient_transport_and_others_through_kestrels()
    {
        using var app = (IDisposable)Build(new LogLines(), Limit);
        var transports = ((WebApplication)app).Services.GetServices<IConnectionListenerFactory>().ToList();

        Assert.IsType<PatientSocketTransport>(transports[^1]);
        Assert.Contains(transports, t => t is SocketTransportFactory);
        var patient = (IConnectionListenerFactorySelector)transports[^1];
        Assert.True(patient.CanBind(new IPEndPoint(IPAddress.Loopback, 0)));
        Assert.False(patient.CanBind(new UnixDomainSocketEndPoint("/tmp/pk-not-bound.sock")));
    }

    private static WebApplication Build(LogLines log, long limit)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection([new(ConnectionLimits.Setting, limit.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(log);
        Assert.Equal(limit, builder.AddConnectionGuard(listeners: 1));
        var app = builder.Build();
        app.MapGet("/healthz", () => TypedResults.Text("ok"));
        return app;
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
        return socket;
    }

    private static async Task<Socket> OpenWithAnswerAsync(int port)
    {
        var socket = await ConnectAsync(port);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), TestContext.Current.CancellationToken);
        var answer = new byte[1024];
        var read = await socket.ReceiveAsync(answer, TestContext.Current.CancellationToken);
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(answer, 0, read), StringComparison.Ordinal);
        return socket;
    }

    /// <summary>The answer once the listener has noticed the held connections closing (it does so asynchronously).</summary>
    private static async Task<string> AnswerAsync(HttpClient http, string url)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await http.GetStringAsync(url, TestContext.Current.CancellationToken);
            }
            catch (HttpRequestException) when (attempt < 50)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
    }

    private sealed class LogLines : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
