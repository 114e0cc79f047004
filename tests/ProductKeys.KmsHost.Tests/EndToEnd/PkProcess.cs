using System.Diagnostics;
using System.Text.Json;

namespace ProductKeys.KmsHost.Tests.EndToEnd;

/// <summary>Runs the real <c>pk</c> binary (built next to the tests, same configuration) with <c>dotnet</c>.</summary>
internal static class PkProcess
{
    public static string PkDll
    {
        get
        {
            // artifacts/bin/ProductKeys.KmsHost.Tests/<config>/ → artifacts/bin/ProductKeys.Cli/<config>/pk.dll
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
            var path = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "ProductKeys.Cli", configuration, "pk.dll"));
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build the solution first.");
        }
    }

    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PkDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return start;
    }

    public static async Task<PkResult> RunAsync(params string[] arguments)
    {
        using var process = Process.Start(StartInfo(arguments))!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new PkResult(process.ExitCode, await output, await error);
    }
}

/// <summary>What one <c>pk</c> run printed and returned.</summary>
internal sealed record PkResult(int ExitCode, string Output, string Error)
{
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Output);
            return document.RootElement.Clone();
        }
    }

    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
}
