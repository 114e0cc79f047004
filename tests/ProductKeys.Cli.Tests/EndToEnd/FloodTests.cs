using System.Net;
using System.Net.Sockets;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// Issue #13 item 2: a flood of idle connections past the process's file limit used to kill
/// 'pk server' (EMFILE). Connections are now bounded per listener below the limit: the server
/// survives, a second (internal) listener keeps /healthz answering during the flood, and the public
/// one answers again once the flood ends. Bounded: 1,500 loopback connections, held briefly.
/// </summary>
public sealed class FloodTests : IDisposable
{
    private const int FileLimit = 1024;
    private const int Flood = 1500;
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-flood-").FullName;

    [Fact]
    public async Task A_flood_past_the_file_limit_leaves_the_server_up_and_health_answering()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "ulimit -n and /proc/self/limits are Linux's.");
        string[] urls = [$"http://127.0.0.1:{PkServerProcess.FreePort()}", $"http://127.0.0.1:{PkServerProcess.FreePort()}"];
        await using var server = await PkServerProcess.StartWithFileLimitAsync(FileLimit, [urls[1], urls[0]], "--data", _folder);
        var publicPort = new Uri(urls[0]).Port;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        var flood = new List<Socket>();
        try
        {
            for (var i = 0; i < Flood; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                flood.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, publicPort, TestContext.Current.CancellationToken);
            }

            // More connections than the server has file descriptors are open: the internal listener still answers.
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(urls[1] + "/healthz", TestContext.Current.CancellationToken)).StatusCode);
        }
        finally
        {
            foreach (var socket in flood)
            {
                socket.Dispose();
            }
        }

        Assert.False(server.HasExited, "pk server died under the flood");
        Assert.True(await AnswersAsync(http, urls[0] + "/healthz"), "the flooded listener did not answer again after the flood");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The flooded listener answers once its held connections are released (Kestrel notices the closes asynchronously).</summary>
    private static async Task<bool> AnswersAsync(HttpClient http, string url)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            try
            {
                if ((await http.GetAsync(url, TestContext.Current.CancellationToken)).IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Still draining the flood's connections.
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        return false;
    }
}
