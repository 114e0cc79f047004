using System.Diagnostics;
using System.Runtime.Versioning;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The repository's <c>./pk</c> script finds the repository from where it really is, also when run through a symbolic link in
/// another folder (a new user's <c>ln -s ~/src/productkeys/pk ~/bin/pk</c>).
/// </summary>
public sealed class PkScriptTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-script-").FullName;

    [Fact]
    public async Task Run_through_a_symbolic_link_in_another_folder_the_script_runs_the_repositorys_build_without_building()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // A copy of the script in a repository of its own whose build is up to date, and a 'dotnet' that only says what it was
        // asked: the test neither builds nor runs the real CLI.
        var root = Path.Combine(_folder, "repo");
        var release = Directory.CreateDirectory(Path.Combine(root, "artifacts", "bin", "ProductKeys.Cli", "release")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "src"));
        Executable(Path.Combine(root, "pk"), await File.ReadAllTextAsync(ScriptPath(), TestContext.Current.CancellationToken));
        await File.WriteAllTextAsync(Path.Combine(release, "pk.dll"), "", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(root, "artifacts", ".pk-build-stamp"), "", TestContext.Current.CancellationToken);
        var tools = Directory.CreateDirectory(Path.Combine(_folder, "tools")).FullName;
        Executable(Path.Combine(tools, "dotnet"), "#!/usr/bin/env bash\necho \"dotnet $*\"\n");
        var elsewhere = Directory.CreateDirectory(Path.Combine(_folder, "bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(elsewhere, "pk"), Path.Combine(root, "pk"));

        var info = new ProcessStartInfo(Path.Combine(elsewhere, "pk"), ["--version"])
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["PATH"] = tools + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, process.ExitCode);
        Assert.DoesNotContain("building", await stderr, StringComparison.Ordinal);
        Assert.Equal($"dotnet {Path.Combine(release, "pk.dll")} --version\n", await stdout);
        Assert.False(Directory.Exists(Path.Combine(elsewhere, "artifacts")));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [UnsupportedOSPlatform("windows")]
    private static void Executable(string path, string text)
    {
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string ScriptPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "pk")) && File.Exists(Path.Combine(dir.FullName, "ProductKeys.slnx")))
            {
                return Path.Combine(dir.FullName, "pk");
            }
        }

        throw new FileNotFoundException("The repository's pk script was not found above the test's folder.");
    }
}
