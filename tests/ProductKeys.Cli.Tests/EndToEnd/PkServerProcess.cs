using System.Diagnostics;
using System.Text.Json;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>A real <c>pk server</c> process on a free loopback port; killed (whole tree) on dispose.</summary>
internal sealed class PkServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private PkServerProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The lines the server wrote to stdout so far.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Output { get; } = new();

    /// <summary>The lines the server wrote to stderr so far.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Errors { get; } = new();

    public static int FreePort() => ProductKeys.Testing.LoopbackPort.FreeTcp();

    /// <summary>
    /// A readiness check for <c>pk server --demo</c>: holds once <c>demo.json</c> in <paramref name="dataFolder"/> is whole
    /// (the server prints its address before it writes the file), and hands its contents to <paramref name="read"/>.
    /// </summary>
    public static Func<Task<bool>> DemoWritten(string dataFolder, Action<JsonElement> read) => async () =>
    {
        try
        {
            read(JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dataFolder, "demo.json"))).RootElement.Clone());
            return true;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return false;
        }
    };

    /// <summary>Starts <c>pk server ARGS --urls URL</c> and waits until /healthz answers and <paramref name="ready"/> holds.</summary>
    public static Task<PkServerProcess> StartAsync(Func<Task<bool>>? ready, params string[] args) => StartOnAsync(FreePort(), ready, args);

    /// <summary>
    /// As <see cref="StartAsync"/>, on a port chosen by the caller: a node restarted after
    /// <see cref="KillAsync"/> comes back where its load balancer expects it.
    /// </summary>
    public static async Task<PkServerProcess> StartOnAsync(int port, Func<Task<bool>>? ready, params string[] args)
    {
        var url = $"http://127.0.0.1:{port}";
        return await LaunchAsync(Pk.StartInfo(null, ["server", .. args, "--urls", url]), url, ready, args);
    }

    /// <summary>Kills the server as a crash or <c>kill -9 PID</c> does: no shutdown, requests in flight cut off.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false); // SIGKILL on Linux
            await _process.WaitForExitAsync();
        }
    }

    private static async Task<PkServerProcess> LaunchAsync(ProcessStartInfo info, string url, Func<Task<bool>>? ready, string[] args)
    {
        var process = Process.Start(info)!;
        process.StandardInput.Close();
        var server = new PkServerProcess(process, url);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                server.Output.Enqueue(line.Data);
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                server.Errors.Enqueue(line.Data);
            }
        };
        // Drained continuously: a server writing to a full pipe would block mid-request.
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient();
        var deadline = Stopwatch.StartNew();
        while (!(await server.IsHealthyAsync(http) && (ready is null || await ready())))
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(); // the last lines of its output arrive
                throw new InvalidOperationException(
                    $"pk server {string.Join(' ', args)} exited with {process.ExitCode} before it was ready. Its output:\n{string.Join('\n', server.Output.TakeLast(20))}\nIts errors:\n{string.Join('\n', server.Errors.TakeLast(20))}");
            }

            if (deadline.Elapsed > Patience.Process)
            {
                await server.DisposeAsync();
                throw new TimeoutException($"pk server {string.Join(' ', args)} was not ready within {Patience.Process.TotalSeconds} s.");
            }

            await Task.Delay(200);
        }

        return server;
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

    private async Task<bool> IsHealthyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync(Url + "/healthz")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
