using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>pk</c>: a file a command is asked to write (<c>--offline-request</c>, <c>--out</c>, <c>--key-lists</c>) in a folder
/// that does not exist, or naming a folder, is VALIDATION_FAILED before anything is made or asked for
/// (<c>OutputFile</c>, the one rule for every command). <c>pk kms-host activate --offline-request</c> answered INTERNAL_ERROR
/// (exit 1) after making the host's key and ID, as <c>pk cal-server install-pack</c> did before it.
/// </summary>
public sealed class OutputPathTests : IDisposable
{
    /// <summary>A well-formed KMS host key (docs/formats/vectors/product-key-v1.json): the request is built before it is written.</summary>
    private const string KmsHostKey = "H6FWH-XKYXK-BXXTM-9BKWX-Q9P9V";

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-output-paths-").FullName;

    [Theory]
    [InlineData("missing-folder")]
    [InlineData("a-folder")]
    public async Task A_KMS_host_request_or_report_that_cannot_be_written_is_VALIDATION_FAILED_and_makes_nothing(string kind)
    {
        var target = Target(kind);
        var data = Path.Combine(_folder, "kms");
        var request = await Pk.RunAsync("kms-host", "activate", "--data", data, "--key", KmsHostKey, "--offline-request", target);
        var report = await Pk.RunAsync("kms-host", "report", "--data", data, "--signed", "--out", target);

        foreach (var result in new[] { request, report })
        {
            AssertRefused(result, kind);
        }

        Assert.False(Directory.Exists(data), "the host's key and ID were made for a request that could not be written");
    }

    [Theory]
    [InlineData("missing-folder", "--out")]
    [InlineData("a-folder", "--out")]
    [InlineData("missing-folder", "--key-lists")]
    [InlineData("a-folder", "--key-lists")]
    public async Task Publisher_keys_export_checks_both_files_before_it_asks_the_service(string kind, string option)
    {
        var good = Path.Combine(_folder, "keys.pem");
        var goodLists = Path.Combine(_folder, "lists.txt");
        var (pem, lists) = option == "--out" ? (Target(kind), goodLists) : (good, Target(kind));

        // Nothing listens on port 9: had the files not been checked first, this would be SERVICE_UNREACHABLE.
        var result = await Pk.RunAsync("publisher-keys", "export", "--service", "http://127.0.0.1:9", "--out", pem, "--key-lists", lists);

        AssertRefused(result, kind);
        Assert.Contains(option, result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(good) || File.Exists(goodLists), "one of the two files was written");
    }

    [Fact]
    public async Task A_request_holding_a_key_is_never_written_into_a_pipe_and_the_pipe_keeps_its_mode()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // What a local user leaves where an operator writes (or what a careless root names: /dev/null is a device, and was made
        // 0600 for every user): a FIFO others may open, whose reader would get the plaintext KMS host key.
        var fifo = Path.Combine(_folder, "host-request.json");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var shared = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(fifo, shared);
        var reader = Task.Run(() => File.ReadAllText(fifo), TestContext.Current.CancellationToken);

        var request = await Pk.RunAsync("kms-host", "activate", "--data", Path.Combine(_folder, "kms"), "--key", KmsHostKey, "--offline-request", fifo);
        if (!reader.IsCompleted)
        {
            // pk never opened it: let the reader go.
            await using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
            {
            }
        }

        Assert.True(request.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, request.ToString());
        Assert.Contains("not a regular file", request.Stderr, StringComparison.Ordinal);
        Assert.Equal("", await reader);
        Assert.Equal(shared, File.GetUnixFileMode(fifo));
    }

    private string Target(string kind) => kind == "a-folder"
        ? Directory.CreateDirectory(Path.Combine(_folder, "a-folder")).FullName
        : Path.Combine(_folder, "no", "such", "file.json");

    private static void AssertRefused(Pk.Result result, string kind)
    {
        Assert.True(result.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, result.ToString());
        Assert.StartsWith("VALIDATION_FAILED: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(kind == "a-folder" ? "is a folder" : "does not exist", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
