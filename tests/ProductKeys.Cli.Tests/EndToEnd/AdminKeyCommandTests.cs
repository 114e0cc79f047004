using System.Runtime.Versioning;
using System.Text.Json;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>What a new user hit with 'pk keys list|export' (issue 10, item 5), against a real 'pk server --demo'.</summary>
public sealed class AdminKeyCommandTests(DemoServerFixture server) : IClassFixture<DemoServerFixture>
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Export_to_a_missing_folder_says_the_folder_does_not_exist_and_writes_nothing()
    {
        var folder = Path.Combine(server.DataDirectory, $"missing-{Guid.NewGuid():N}");
        var export = await KeysAsync("export", "--account", server.AccountId, "--output", Path.Combine(folder, "x.csv"), "--json");

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, export.ExitCode);
        Assert.Equal("VALIDATION_FAILED", export.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains($"the folder {folder} does not exist", export.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Export_onto_a_folder_says_so_before_asking_the_service()
    {
        var folder = Directory.CreateDirectory(Path.Combine(server.DataDirectory, $"export-{Guid.NewGuid():N}")).FullName;
        var export = await KeysAsync("export", "--account", server.AccountId, "--output", folder, "--json");

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, export.ExitCode);
        Assert.Equal("VALIDATION_FAILED", export.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains($"--output {folder} is a folder", export.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public async Task An_export_the_disk_cannot_hold_is_VALIDATION_FAILED_naming_the_file_and_leaves_no_part_of_the_keys()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // A full disk, or a file system's size limit (FAT32's 4 GiB): here a file size limit of 1,024 bytes (ulimit -f 1; the
        // signal it sends ignored, as a shell's would be) under the demo's keys, which take more.
        var file = Path.Combine(server.DataDirectory, $"export-{Guid.NewGuid():N}.csv");
        var start = Pk.StartInfo(new Dictionary<string, string>
        {
            ["PK_CREDENTIALS"] = Path.Combine(server.DataDirectory, "no-credentials.json"),
            ["PK_TOKEN"] = "",
            ["DOTNET_EnableWriteXorExecute"] = "0", // the runtime's double-mapped code file would meet the limit first
        }, "keys", "export", "--account", server.AccountId, "--output", file, "--service", server.Url, "--token", server.Token("billing-contributor"));
        var arguments = start.ArgumentList.ToList();
        start.FileName = "/bin/sh";
        start.ArgumentList.Clear();
        foreach (var argument in (string[])["-c", "trap '' XFSZ; ulimit -f 1; exec dotnet \"$@\"", "sh", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        var export = await Pk.RunAsync(start, "pk keys export under ulimit -f 1");

        Assert.True(export.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, export.ToString());
        Assert.StartsWith($"VALIDATION_FAILED: --output {file} cannot be written", export.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(file), "part of the keys was left in the file, reading as a smaller export");
    }

    [Fact]
    public async Task A_malformed_account_id_is_VALIDATION_FAILED_naming_the_option()
    {
        var list = await KeysAsync("list", "--account", "not-a-guid", "--json");

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, list.ExitCode);
        Assert.Equal("VALIDATION_FAILED", list.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("--account must be an id", list.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", list.Stderr + list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_organization_id_is_VALIDATION_FAILED_naming_the_option()
    {
        var environment = new Dictionary<string, string> { ["PK_CREDENTIALS"] = Path.Combine(server.DataDirectory, "no-credentials.json"), ["PK_TOKEN"] = "" };
        var create = await Pk.RunAsync(environment, "accounts", "create", "--org", "nope", "--name", "X", "--owner", "y",
            "--service", server.Url, "--token", server.Token("publisher-admin"), "--json");

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, create.ExitCode);
        Assert.Contains("--org must be an id", create.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_with_json_prints_the_keys_as_one_JSON_document()
    {
        var export = await KeysAsync("export", "--account", server.AccountId, "--json");

        Assert.True(export.ExitCode == 0, export.Stderr);
        var keys = export.Json.EnumerateArray().ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.True(ProductKey.Parse(k.GetProperty("key").GetString()).IsSuccess));
    }

    [Fact]
    public async Task Export_as_CSV_to_stdout_with_json_is_refused_clearly()
    {
        var export = await KeysAsync("export", "--account", server.AccountId, "--format", "csv", "--json");

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, export.ExitCode);
        Assert.Equal("VALIDATION_FAILED", export.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task An_export_file_holds_plaintext_keys_so_it_is_0600_even_when_it_existed()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var fresh = Path.Combine(server.DataDirectory, $"export-{Guid.NewGuid():N}.csv");
        var existing = Path.Combine(server.DataDirectory, $"export-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(existing, "old", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(existing, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var csv = await KeysAsync("export", "--account", server.AccountId, "--output", fresh);
        var json = await KeysAsync("export", "--account", server.AccountId, "--format", "json", "--output", existing);

        Assert.True(csv.ExitCode == 0, csv.Stderr);
        Assert.True(json.ExitCode == 0, json.Stderr);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(fresh));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(existing));
        using var keys = JsonDocument.Parse(await File.ReadAllTextAsync(existing, TestContext.Current.CancellationToken));
        Assert.NotEmpty(keys.RootElement.EnumerateArray());
    }

    /// <summary>pk keys ARGS as a billing contributor, with --service and --token (no stored credentials).</summary>
    private Task<Pk.Result> KeysAsync(params string[] args)
    {
        var environment = new Dictionary<string, string>
        {
            ["PK_CREDENTIALS"] = Path.Combine(server.DataDirectory, "no-credentials.json"),
            ["PK_TOKEN"] = "",
        };
        return Pk.RunAsync(environment, ["keys", .. args, "--service", server.Url, "--token", server.Token("billing-contributor")]);
    }
}
