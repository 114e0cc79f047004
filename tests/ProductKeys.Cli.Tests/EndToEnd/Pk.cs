using System.Diagnostics;
using System.Text.Json;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>Runs the real built <c>pk</c> (artifacts/bin/ProductKeys.Cli/CONFIG/pk.dll) with <c>dotnet</c>.</summary>
internal static class Pk
{
    public static string Dll { get; } = Locate();

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Stdout as the one JSON object a --json command prints.</summary>
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(null, args);

    public static Task<Result> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RunAsync(StartInfo(environment, args), $"pk {string.Join(' ', args)}");

    /// <summary>Runs a prepared process (pk or pk-device) to its end, with its output; killed after 60 s.</summary>
    public static async Task<Result> RunAsync(ProcessStartInfo start, string display)
    {
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience.Process);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Never leave a pk process behind, whatever the test does next.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{display} did not finish within 60 s.");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return info;
    }

    private static string Locate()
    {
        // artifacts/bin/ProductKeys.Cli.Tests/<config>/ → artifacts/bin/ProductKeys.Cli/<config>/pk.dll
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(here.Parent!.Parent!.FullName, "ProductKeys.Cli", here.Name, "pk.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the CLI first: {path} is missing.", path);
    }
}
