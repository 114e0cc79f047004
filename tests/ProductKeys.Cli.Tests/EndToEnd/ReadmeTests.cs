using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The README's shell blocks are a test, so the README cannot drift from what pk does.
/// <para>
/// The convention (README.md, "README blocks"): every <c>```sh</c> block of README.md runs, in order,
/// in ONE <c>bash</c> with <c>set -euo pipefail</c>, in an empty folder where <c>./pk</c> is the CLI
/// under test, with <c>PK_URL</c>, <c>KMS_PORT</c> and <c>CAL_PORT</c> set to free loopback ports and <c>HOME</c> in
/// that folder (credentials and default stores stay there). Variables carry from block to block.
/// A line may end in one marker comment:
/// </para>
/// <list type="bullet">
/// <item><c># readme-test: background until "TEXT"</c>: a server; the test starts the line in the
/// background, waits (at most 120 s) until its output shows TEXT, and stops it when the script ends.</item>
/// <item><c># readme-test: skip (why)</c>: the line does not run here (say why; keep these rare).</item>
/// </list>
/// Any other <c>readme-test:</c> marker fails the test, so a typo cannot skip a line silently.
/// </summary>
public sealed partial class ReadmeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-readme-").FullName;

    [Fact]
    public async Task Every_sh_block_of_the_README_runs_as_written()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var blocks = ShBlocks(await File.ReadAllLinesAsync(ReadmePath(), TestContext.Current.CancellationToken));
        Assert.True(blocks.Count >= 5, $"README.md has {blocks.Count} sh blocks; the quick start alone has more.");
        var script = Path.Combine(_folder, "readme.sh");
        await File.WriteAllTextAsync(script, Script(blocks), TestContext.Current.CancellationToken);
        var pk = Path.Combine(_folder, "pk");
        await File.WriteAllTextAsync(pk, $"#!/usr/bin/env bash\nexec dotnet \"{Pk.Dll}\" \"$@\"\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(pk, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var (exitCode, output) = await RunBashAsync(script);

        Assert.True(exitCode == 0, $"A README block failed (exit {exitCode}); the end of its output:\n{Tail(output)}");
        Assert.Contains("### README block", output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A server stopped just now may still be closing a file: a temp folder left behind is harmless.
        }
    }

    /// <summary>The sh blocks with the README line each starts on.</summary>
    internal static List<(int Line, List<string> Lines)> ShBlocks(IReadOnlyList<string> readme)
    {
        var blocks = new List<(int, List<string>)>();
        List<string>? current = null;
        for (var i = 0; i < readme.Count; i++)
        {
            var line = readme[i];
            if (current is null && line.Trim() == "```sh")
            {
                current = [];
                blocks.Add((i + 1, current));
            }
            else if (current is not null && line.Trim() == "```")
            {
                current = null;
            }
            else
            {
                current?.Add(line);
            }
        }

        return blocks;
    }

    private static string Script(List<(int Line, List<string> Lines)> blocks)
    {
        var script = new StringBuilder("""
            set -euo pipefail
            readme_pids=()
            readme_stop() { for p in "${readme_pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
            trap readme_stop EXIT
            readme_wait() { # PID LOG TEXT: until the server prints TEXT; fails when it ends first or after 120 s
              { set +x; } 2>/dev/null
              readme_pids+=("$1")
              local i
              for i in $(seq 1 1200); do
                if grep -qF -- "$3" "$2"; then set -x; return 0; fi
                if ! kill -0 "$1" 2>/dev/null; then echo "readme-test: the server ended before printing '$3':" >&2; cat "$2" >&2; return 1; fi
                sleep 0.1
              done
              echo "readme-test: no '$3' within 120 s:" >&2; cat "$2" >&2; return 1
            }

            """);
        var servers = 0;
        foreach (var (start, lines) in blocks)
        {
            script.Append(CultureInfo.InvariantCulture, $"{{ set +x; }} 2>/dev/null; echo '### README block at line {start}' >&2; set -x\n");
            foreach (var line in lines)
            {
                var marker = Marker().Match(line);
                if (!marker.Success)
                {
                    Assert.DoesNotContain("readme-test:", line, StringComparison.Ordinal);
                    script.Append(line).Append('\n');
                    continue;
                }

                var command = line[..marker.Index].TrimEnd();
                if (marker.Groups["skip"].Success)
                {
                    script.Append(": skipped by its readme-test marker\n");
                }
                else
                {
                    var log = $"readme-server-{++servers}.log";
                    script.Append(CultureInfo.InvariantCulture, $"{command} >{log} 2>&1 &\n");
                    script.Append(CultureInfo.InvariantCulture, $"readme_wait $! {log} '{marker.Groups["until"].Value.Replace("'", "'\\''", StringComparison.Ordinal)}'\n");
                }
            }
        }

        return script.Append("{ set +x; } 2>/dev/null; echo '### README done' >&2\n").ToString();
    }

    private async Task<(int ExitCode, string Output)> RunBashAsync(string script)
    {
        var info = new ProcessStartInfo("bash", [script])
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.Environment["HOME"] = _folder;
        info.Environment["PK_URL"] = $"http://127.0.0.1:{PkServerProcess.FreePort()}";
        info.Environment["KMS_PORT"] = PkServerProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        info.Environment["CAL_PORT"] = PkServerProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment.Remove("PK_CREDENTIALS");
        info.Environment.Remove("PK_TOKEN");

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The script's servers are its children: none is left behind.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return (-1, output + "\n(the README blocks did not finish within 10 minutes)");
        }

        process.WaitForExit(); // drains the asynchronous output readers
        return (process.ExitCode, output.ToString());
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
        }
    }

    private static string Tail(string output) => output.Length <= 6000 ? output : "…" + output[^6000..];

    private static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && File.Exists(Path.Combine(dir.FullName, "ProductKeys.slnx")))
            {
                return Path.Combine(dir.FullName, "README.md");
            }
        }

        throw new FileNotFoundException("README.md of the repository was not found above the test's folder.");
    }

    [GeneratedRegex("""#\s*readme-test:\s*(?:(?<skip>skip\b.*)|background until "(?<until>[^"]+)".*)$""")]
    private static partial Regex Marker();
}
