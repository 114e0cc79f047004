using System.Diagnostics;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>pk</c>: the commands printed after an offline request (<c>pk kms-host activate</c>, <c>pk cal-server install-pack</c>,
/// <c>pk dti</c>) run as printed when pasted into a shell, whatever the folder and file names hold. They printed the path bare, so
/// a space split it and a <c>;</c> ran the rest as another command.
/// </summary>
public sealed class OfflineHintTests : IDisposable
{
    private const string KmsHostKey = "H6FWH-XKYXK-BXXTM-9BKWX-Q9P9V";
    private const string Mak = "G6397-BF377-H68MT-8Q93J-3XTY9";

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-offline-hint-").FullName;

    [Theory]
    [InlineData("kms-host")]
    [InlineData("cal-server")]
    [InlineData("dti")]
    public async Task The_commands_after_an_offline_request_run_as_printed_with_spaces_quotes_and_semicolons_in_the_names(string command)
    {
        var data = Path.Combine(_folder, "host data; it's $HOME");
        var request = Path.Combine(_folder, "my request.json");
        string[] args = command switch
        {
            "kms-host" => ["kms-host", "activate", "--data", data, "--key", KmsHostKey, "--offline-request", request],
            "cal-server" => ["cal-server", "install-pack", "--data", data, "--key", Mak, "--offline-request", request],
            _ => ["dti", request, "--store", data],
        };
        if (command == "dti")
        {
            var installed = await Pk.RunAsync("ipk", Mak, "--product", "desktop", "--store", data, "--device-id", "d1");
            Assert.True(installed.ExitCode == 0, installed.ToString());
        }

        var written = await Pk.RunAsync(args);
        Assert.True(written.ExitCode == 0, written.ToString());

        // Each printed command, run by /bin/sh with a pk that prints the words it was given, one a line.
        var lines = (written.Stdout + written.Stderr).Split('\n');
        var activate = lines[Array.FindIndex(lines, l => l.EndsWith(", run:", StringComparison.Ordinal)) + 1];
        var install = lines[Array.IndexOf(lines, "then here:") + 1];
        Assert.Equal(["offline", "activate", "my request.json", "--out", "DIR"], await WordsAsync(activate));
        string[] expected = command switch
        {
            "kms-host" => ["kms-host", "activate", "--data", data, "--offline-response", "DIR/my request.response.json", "--trust", "DIR/publisher-keys.pem"],
            "cal-server" => ["cal-server", "install-pack", "--data", data, "--offline-response", "DIR/my request.response.json", "--trust", "DIR/publisher-keys.pem"],
            _ => ["atp", "DIR/my request.response.json", "--store", data, "--trust", "DIR/publisher-keys.pem"],
        };
        Assert.Equal(expected, await WordsAsync(install));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The words <c>pk</c> gets when <paramref name="line"/> is run by <c>/bin/sh -c</c>.</summary>
    private static async Task<string[]> WordsAsync(string line)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("pk() { printf '%s\\n' \"$@\"; }; " + line.Trim());
        var shell = await Pk.RunAsync(start, line);
        Assert.True(shell.ExitCode == 0 && shell.Stderr.Length == 0, $"{line}\n{shell}");
        return shell.Stdout.TrimEnd('\n').Split('\n');
    }
}
