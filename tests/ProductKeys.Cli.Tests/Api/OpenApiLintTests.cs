using System.Diagnostics;
using System.Text.Json;
using ProductKeys.Cli.Tests.EndToEnd;

namespace ProductKeys.Cli.Tests.Api;

/// <summary>
/// The OpenAPI document 'pk server' serves, linted with Redocly's recommended rules (plus: every
/// operation has an operationId). Zero errors; warnings are listed in the test output. The linter is
/// npm's @redocly/cli at $PK_REDOCLY (test.sh sets it), or what scripts/ensure-redocly.sh installs.
/// </summary>
public sealed class OpenApiLintTests(DemoServerFixture server) : IClassFixture<DemoServerFixture>
{
    private const string Config = """
        extends:
          - recommended
        rules:
          operation-operationId: error
        """;

    [Fact]
    public async Task The_served_OpenAPI_document_has_no_lint_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("pk-openapi-lint").FullName;
        try
        {
            using var http = new HttpClient();
            var document = await http.GetStringAsync(new Uri(new Uri(server.Url), "/openapi/v1.json"), ct);
            await File.WriteAllTextAsync(Path.Combine(folder, "openapi.json"), document, ct);
            await File.WriteAllTextAsync(Path.Combine(folder, "redocly.yaml"), Config, ct);

            var (exit, stdout, stderr) = await RunAsync(Redocly(), folder, "lint", "--format=json", "openapi.json");
            using var report = ParseReport(stdout, exit, stderr);
            var problems = report.RootElement.GetProperty("problems").EnumerateArray().Select(Describe).ToList();
            foreach (var problem in problems)
            {
                TestContext.Current.TestOutputHelper?.WriteLine(problem);
            }

            var errors = problems.Where(p => p.StartsWith("error", StringComparison.Ordinal)).ToList();
            Assert.True(errors.Count == 0, $"{errors.Count} OpenAPI lint error(s):\n{string.Join('\n', errors)}");
            Assert.True(exit == 0, $"redocly lint exited {exit}: {stderr}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Describe(JsonElement problem)
    {
        var where = problem.TryGetProperty("location", out var location) && location.GetArrayLength() > 0
            ? location[0].GetProperty("pointer").GetString()
            : "";
        return $"{problem.GetProperty("severity").GetString()} {problem.GetProperty("ruleId").GetString()} at {where}: {problem.GetProperty("message").GetString()}";
    }

    private static JsonDocument ParseReport(string stdout, int exit, string stderr)
    {
        // The report is the one JSON object on stdout; a banner, if any, goes before it.
        var start = stdout.IndexOf('{', StringComparison.Ordinal);
        Assert.True(start >= 0, $"redocly lint printed no JSON report (exit {exit}):\n{stdout}\n{stderr}");
        return JsonDocument.Parse(stdout[start..]);
    }

    /// <summary>$PK_REDOCLY, else scripts/ensure-redocly.sh (installs @redocly/cli into a cache folder once).</summary>
    private static string Redocly()
    {
        if (Environment.GetEnvironmentVariable("PK_REDOCLY") is { Length: > 0 } configured)
        {
            Assert.True(File.Exists(configured), $"PK_REDOCLY names {configured}, which does not exist: run scripts/ensure-redocly.sh.");
            return configured;
        }

        var script = Path.Combine(RepositoryRoot(), "scripts", "ensure-redocly.sh");
        var (exit, stdout, stderr) = RunAsync("bash", RepositoryRoot(), script).GetAwaiter().GetResult();
        Assert.True(exit == 0, $"The OpenAPI linter is missing and {script} could not install it (needs node >= 20.19 and npm):\n{stderr}");
        return stdout.Trim();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ProductKeys.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No ProductKeys.slnx above {AppContext.BaseDirectory}.");
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string program, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // No telemetry or update check from a test run.
        info.Environment["REDOCLY_TELEMETRY"] = "off";
        info.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within 5 minutes.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
