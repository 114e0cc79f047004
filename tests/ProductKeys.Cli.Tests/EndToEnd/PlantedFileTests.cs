using System.Diagnostics;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>pk</c> on a shared machine, where another local user may have put a symbolic link or a FIFO where a file is
/// named (in /tmp, say): a file to write is never written through a link (to where that user chose, or kept where they read
/// it), and a file to read or write that is a FIFO is refused at once, not waited on forever at the open.
/// </summary>
public sealed class PlantedFileTests : IDisposable
{
    /// <summary>A well-formed KMS host key (docs/formats/vectors/product-key-v1.json): the request is built before it is written.</summary>
    private const string KmsHostKey = "H6FWH-XKYXK-BXXTM-9BKWX-Q9P9V";

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-planted-").FullName;

    [Theory]
    [InlineData("kms-host activate --offline-request")]
    [InlineData("kms-host report --out")]
    [InlineData("publisher-keys export --out")]
    [InlineData("login --profile")]
    public async Task A_file_to_write_that_is_a_symbolic_link_is_refused_and_what_it_points_at_is_untouched(string command)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // The other user's file (as root: /etc/passwd, say), and their link where the operator writes.
        var target = Path.Combine(_folder, "theirs.txt");
        await File.WriteAllTextAsync(target, "theirs\n", TestContext.Current.CancellationToken);
        var link = Path.Combine(_folder, "planted.json");
        File.CreateSymbolicLink(link, target);

        var result = await Pk.RunAsync(Arguments(command, link));

        Assert.True(result.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, result.ToString());
        Assert.Contains($"{link} is a symbolic link", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("theirs\n", await File.ReadAllTextAsync(target, TestContext.Current.CancellationToken));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
    }

    [Theory]
    [InlineData("kms-host activate --offline-request")]
    [InlineData("kms-host report --out")]
    [InlineData("publisher-keys export --out")]
    [InlineData("login --profile")]
    public async Task A_file_to_write_that_is_a_FIFO_is_refused_at_once(string command)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fifo = await FifoAsync("planted.json");

        var result = await Pk.RunAsync(Arguments(command, fifo));

        Assert.True(result.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, result.ToString());
        Assert.Contains($"{fifo} is not a regular file", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kms-host activate --offline-response")]
    [InlineData("kms-host activate --trust")]
    [InlineData("usage upload")]
    [InlineData("orgs list --profile")]
    [InlineData("login --profile")]
    public async Task A_file_to_read_that_is_a_FIFO_no_one_writes_is_refused_at_once(string command)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fifo = await FifoAsync("planted.json");
        string[] args = command switch
        {
            "kms-host activate --offline-response" => ["kms-host", "activate", "--data", Path.Combine(_folder, "kms"), "--offline-response", fifo],
            "kms-host activate --trust" => ["kms-host", "activate", "--data", Path.Combine(_folder, "kms"), "--trust", fifo, "--offline-response", fifo],
            "usage upload" => ["usage", "upload", fifo, "--service", "http://127.0.0.1:9", "--token", "pk_unused"],
            "orgs list --profile" => ["orgs", "list", "--profile", fifo],
            _ => ["login", "--service", "http://127.0.0.1:9", "--user", "ops", "--password", "a password", "--profile", fifo],
        };

        // Before: pk blocked in open(2) until Pk.RunAsync killed it.
        var result = await Pk.RunAsync(args);

        Assert.NotEqual(0, result.ExitCode);
        Assert.NotEqual(ErrorCatalogue.Internal.ExitCode, result.ExitCode);
        Assert.Contains("not a regular file", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string[] Arguments(string command, string file) => command switch
    {
        "kms-host activate --offline-request" => ["kms-host", "activate", "--data", Path.Combine(_folder, "kms"), "--key", KmsHostKey, "--offline-request", file],
        "kms-host report --out" => ["kms-host", "report", "--data", Path.Combine(_folder, "kms"), "--signed", "--out", file],
        // Nothing listens on port 9: the file is checked before anything is asked.
        "publisher-keys export --out" => ["publisher-keys", "export", "--service", "http://127.0.0.1:9", "--out", file],
        _ => ["login", "--service", "http://127.0.0.1:9", "--user", "ops", "--password", "a password", "--profile", file],
    };

    private async Task<string> FifoAsync(string name)
    {
        var fifo = Path.Combine(_folder, name);
        using var mkfifo = Process.Start("mkfifo", [fifo]);
        await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, mkfifo.ExitCode);
        return fifo;
    }
}
