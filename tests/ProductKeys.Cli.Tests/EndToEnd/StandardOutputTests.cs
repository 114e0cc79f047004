using System.Text.Json;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>pk</c>: <c>-</c> where a command takes a file to write is standard output, as in most Unix tools. pk wrote a file
/// literally named "-" in the current folder (with a plaintext KMS host key in it) and printed where, on stdout.
/// </summary>
public sealed class StandardOutputTests : IDisposable
{
    /// <summary>A well-formed KMS host key (docs/formats/vectors/product-key-v1.json).</summary>
    private const string KmsHostKey = "H6FWH-XKYXK-BXXTM-9BKWX-Q9P9V";

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-stdout-").FullName;

    [Fact]
    public async Task An_offline_request_to_dash_goes_to_standard_output_alone_and_no_file_is_made()
    {
        var result = await RunInFolderAsync("kms-host", "activate", "--data", Path.Combine(_folder, "kms"), "--key", KmsHostKey, "--offline-request", "-");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var request = JsonDocument.Parse(result.Stdout);
        Assert.Equal("pk-kms-host-request-v1", request.RootElement.GetProperty("format").GetString());
        Assert.Equal(KmsHostKey, request.RootElement.GetProperty("key").GetString());
        Assert.Contains("standard output", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "-")), "a file named '-' was written");
    }

    [Fact]
    public async Task Dash_with_json_is_refused_before_anything_is_made()
    {
        var data = Path.Combine(_folder, "kms");

        var result = await RunInFolderAsync("kms-host", "activate", "--data", data, "--key", KmsHostKey, "--offline-request", "-", "--json");

        Assert.True(result.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, result.ToString());
        Assert.Contains("--offline-request - writes the file to standard output", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "-")), "a file named '-' was written");
        Assert.False(Directory.Exists(data), "the host's key and ID were made");
    }

    [Fact]
    public async Task Dot_slash_dash_still_names_a_file_called_dash()
    {
        var result = await RunInFolderAsync("kms-host", "activate", "--data", Path.Combine(_folder, "kms"), "--key", KmsHostKey, "--offline-request", "./-");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(KmsHostKey, await File.ReadAllTextAsync(Path.Combine(_folder, "-"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_backup_to_dash_is_refused_and_no_file_called_dash_is_made()
    {
        var data = Path.Combine(_folder, "server");
        Assert.True((await RunInFolderAsync("db", "migrate", "--data", data)).ExitCode == 0);

        // Before: the database, password hashes and all, was copied into a file called "-" in the current folder.
        var result = await RunInFolderAsync("db", "backup", "--data", data, "--out", "-");

        Assert.True(result.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, result.ToString());
        Assert.Contains("cannot go to standard output", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "-")), "a file named '-' was written");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<Pk.Result> RunInFolderAsync(params string[] args)
    {
        var start = Pk.StartInfo(null, args);
        start.WorkingDirectory = _folder;
        return Pk.RunAsync(start, $"pk {string.Join(' ', args)}");
    }
}
