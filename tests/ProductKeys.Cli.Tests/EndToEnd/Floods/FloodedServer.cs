using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ProductKeys.Testing;

namespace ProductKeys.Cli.Tests.EndToEnd.Floods;

/// <summary>
/// A real server process (pk server, pk kms-host serve, pk cal-server serve, the native pk-kms-host)
/// under <c>ulimit -n FILES</c> (Linux: bash sets the limit, then execs the server), listening on two
/// loopback addresses: <see cref="PublicUrl"/>, which the tests flood, and <see cref="HealthUrl"/>,
/// the health probes' own. Everything it prints is kept, to look for its log lines. Killed on dispose.
/// Also linked into ProductKeys.KmsHost.Tests, for the native host.
/// </summary>
internal sealed class FloodedServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private FloodedServer(Process process, string publicUrl, string healthUrl)
    {
        _process = process;
        PublicUrl = publicUrl;
        HealthUrl = healthUrl;
    }

    public string PublicUrl { get; }

    public string HealthUrl { get; }

    public bool HasExited => _process.HasExited;

    public string Output => string.Join('\n', _output);

    /// <summary>Starts the server <paramref name="start"/> makes for an <c>--urls</c> value, and waits until both addresses answer /healthz.</summary>
    public static async Task<FloodedServer> StartAsync(Func<string, ProcessStartInfo> start, int files)
    {
        string[] urls = [$"http://127.0.0.1:{LoopbackPort.FreeTcp()}", $"http://127.0.0.1:{LoopbackPort.FreeTcp()}"];
        var server = start(string.Join(';', urls));
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in (string[])["-c", $"ulimit -n {files} && exec \"$0\" \"$@\"", server.FileName, .. server.ArgumentList])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in server.Environment)
        {
            info.Environment[name] = value;
        }

        var flooded = new FloodedServer(Process.Start(info)!, urls[0], urls[1]);
        flooded._process.StandardInput.Close();
        // Drained continuously: a server writing to a full pipe would block mid-request.
        flooded._process.OutputDataReceived += (_, line) => flooded._output.Enqueue(line.Data ?? "");
        flooded._process.ErrorDataReceived += (_, line) => flooded._output.Enqueue(line.Data ?? "");
        flooded._process.BeginOutputReadLine();
        flooded._process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (!(await AnswersOnceAsync(http, flooded.PublicUrl) && await AnswersOnceAsync(http, flooded.HealthUrl)))
        {
            if (flooded.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                await flooded.DisposeAsync();
                throw new InvalidOperationException($"{server.FileName} {string.Join(' ', server.ArgumentList)} did not start:\n{flooded.Output}");
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        return flooded;
    }

    /// <summary>Opens up to <paramref name="count"/> idle connections to the public address (each connect given 2 s; the kernel completes them, whatever the server then does).</summary>
    public async Task<List<Socket>> FloodAsync(int count)
    {
        var port = new Uri(PublicUrl).Port;
        var sockets = new List<Socket>();
        for (var i = 0; i < count; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            wait.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port, wait.Token);
                sockets.Add(socket);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                socket.Dispose(); // the backlog is full: that is what a flood does
            }
        }

        return sockets;
    }

    /// <summary>Whether <c>/healthz</c> at <paramref name="url"/> answers within 30 s (a listener notices closed connections asynchronously); false at once if the server died.</summary>
    public async Task<bool> AnswersAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (!HasExited && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (await AnswersOnceAsync(http, url))
            {
                return true;
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        return false;
    }

    /// <summary>
    /// Whether <c>/healthz</c> at <paramref name="url"/> answers within three asks a second apart (each given 10 s), as a
    /// supervisor's probe asks before it calls a server down (docs/operations.md): in CI under a load of 30 on 2 cores a single
    /// ask once failed at once during the flood of the KMS host, and the next run's passed; the cause was not established (a
    /// moment within the headroom of the file limit, where every accept is closed, is the likeliest).
    /// </summary>
    public static async Task<bool> AnswersNowAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        for (var ask = 0; ask < 3; ask++)
        {
            if (ask > 0)
            {
                await Task.Delay(1000, TestContext.Current.CancellationToken);
            }

            if (await AnswersOnceAsync(http, url))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the server printed <paramref name="text"/> within 30 s.</summary>
    public async Task<bool> PrintedAsync(string text)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            if (_output.Any(line => line.Contains(text, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }

            if (HasExited)
            {
                return false;
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        return false;
    }

    /// <summary>How many descriptors the server has open (/proc/PID/fd).</summary>
    public int OpenFiles => Directory.GetFileSystemEntries($"/proc/{_process.Id}/fd").Length;

    /// <summary>
    /// Lowers the running server's soft file limit (util-linux's prlimit), so its descriptors run out
    /// whatever its connection limits: as if something else had taken them.
    /// </summary>
    public async Task LowerFileLimitAsync(int soft)
    {
        var info = new ProcessStartInfo("prlimit") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["--pid", _process.Id.ToString(CultureInfo.InvariantCulture), $"--nofile={soft}:"])
        {
            info.ArgumentList.Add(arg);
        }

        using var prlimit = Process.Start(info)!;
        var error = await prlimit.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await prlimit.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(prlimit.ExitCode == 0, $"prlimit failed: {error}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static async Task<bool> AnswersOnceAsync(HttpClient http, string url)
    {
        try
        {
            return (await http.GetAsync(url + "/healthz", TestContext.Current.CancellationToken)).StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
