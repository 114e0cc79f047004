using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ProductKeys.Load;

/// <summary>A server under test in its own process, so its peak RSS is its own.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    /// <summary>USER_HZ, the unit of /proc/PID/stat times: 100 on every Linux this runs on.</summary>
    private const double ClockTicksPerSecond = 100;

    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Peak resident set size so far (VmHWM), in MiB.</summary>
    public double PeakRssMiB
    {
        get
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return long.Parse(Digits().Match(line).Value, CultureInfo.InvariantCulture) / 1024.0;
        }
    }

    /// <summary>CPU time the server used so far (user + system), in seconds.</summary>
    public double CpuSeconds
    {
        get
        {
            // Fields 14 and 15 of /proc/PID/stat, counted after the command name (which may hold spaces).
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
        }
    }

    /// <summary>Starts <c>dotnet ARGUMENTS</c> (a framework-dependent server) and waits for its address.</summary>
    public static Task<ServerProcess> StartAsync(params string[] arguments) => StartProgramAsync("dotnet", arguments);

    /// <summary>Starts <paramref name="program"/> (e.g. a native executable) and waits for its address.</summary>
    public static async Task<ServerProcess> StartProgramAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (Url().Match(line) is { Success: true } url)
            {
                // Keep draining: a server that logs to a full pipe blocks mid-request.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                return new ServerProcess(process, new Uri(url.Value));
            }
        }

        throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited without printing its address.");
    }

    public async ValueTask DisposeAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex Url();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
