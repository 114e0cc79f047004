using System.Collections.Concurrent;
using System.Diagnostics;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// A real pk server of any kind (<c>pk server</c>, <c>pk kms-host serve</c>, <c>pk cal-server serve</c>) whose
/// output lines are collected as they come; killed (whole tree) on dispose.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private ServerProcess(Process process) => _process = process;

    public IReadOnlyCollection<string> Lines => _lines;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>pk ARGS</c> and waits until a line of its output contains <paramref name="ready"/> (60 s at most).</summary>
    public static async Task<ServerProcess> StartAsync(string ready, params string[] args)
    {
        var process = Process.Start(Pk.StartInfo(null, args))!;
        process.StandardInput.Close();
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Add(e.Data);
        process.ErrorDataReceived += (_, e) => server.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitForLineAsync(ready);
        return server;
    }

    /// <summary>The first line containing <paramref name="text"/>, waiting for it; fails when the process ends first.</summary>
    public async Task<string> WaitForLineAsync(string text)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200); // the last lines of a process that just ended
                throw new InvalidOperationException(
                    $"No line with '{text}' ({(_process.HasExited ? $"exited with {_process.ExitCode}" : "60 s passed")}):\n{string.Join('\n', _lines)}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Stops the server as an operator would (SIGTERM), killing it if it does not stop within 30 s.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
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

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
