using System.Diagnostics;
using System.Text.Json;

namespace ProductKeys.Cli.Tests;

/// <summary>Runs the real pk binary (built by the project reference, same configuration as the tests).</summary>
internal static class PkRunner
{
    public static string PkDll { get; } = Locate();

    public static PkResult Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PkDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pk {string.Join(' ', args)} did not finish");
        }

        return new PkResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Locate()
    {
        // artifacts/bin/ProductKeys.Cli.Tests/<config>/ → artifacts/bin/ProductKeys.Cli/<config>/pk.dll
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(testDir.Parent!.Parent!.FullName, "ProductKeys.Cli", testDir.Name, "pk.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("pk.dll not built next to the tests", path);
    }
}

internal sealed record PkResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
