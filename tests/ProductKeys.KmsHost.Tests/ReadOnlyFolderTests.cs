using ProductKeys.Core.Errors;
using ProductKeys.KmsHost.Data;
using ProductKeys.KmsHost.Status;
using ProductKeys.KmsHost.Tests.EndToEnd;

namespace ProductKeys.KmsHost.Tests;

/// <summary>
/// <c>pk kms-host status|report</c> given a folder that does not exist or holds no KMS host (a typo, a CAL server's
/// folder): STORE_INVALID naming the folder and what makes one — not the status of a host "not activated yet",
/// not KMS_HOST_NOT_ACTIVATED — and nothing is created.
/// </summary>
public sealed class ReadOnlyFolderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"pk-kms-folder-{Guid.NewGuid():N}");

    public ReadOnlyFolderTests() => Directory.CreateDirectory(_root);

    public static TheoryData<string> NotAHost => ["missing", "empty", "cal-server", "a-file"];

    [Theory]
    [MemberData(nameof(NotAHost))]
    public void Status_and_report_refuse_a_folder_that_holds_no_host_and_create_nothing(string kind)
    {
        var path = Prepare(kind);
        var before = Snapshot();

        var status = KmsStatusReader.ReadExisting(path, TimeProvider.System);
        var report = SignedKmsReport.Sign(path, TimeProvider.System);

        foreach (var refusal in new[] { status.Refusal, report.Refusal })
        {
            Assert.Equal(ErrorCatalogue.StoreInvalid, refusal?.Error);
            Assert.Contains(Path.GetFullPath(path), refusal!.Detail, StringComparison.Ordinal);
            Assert.Contains("'pk kms-host activate --data DIR'", refusal.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void An_empty_data_option_is_refused_too()
    {
        Assert.Equal(ErrorCatalogue.StoreInvalid, KmsHostFolder.Existing(" ").Refusal?.Error);
    }

    [Fact]
    public void A_host_folder_is_read_as_before_activated_or_not()
    {
        using var activated = new HostFixture();
        using var notYet = new HostFixture(activate: false);

        Assert.True(KmsStatusReader.ReadExisting(activated.Folder.Path, activated.Clock).Value.Activated);
        var unactivated = KmsStatusReader.ReadExisting(notYet.Folder.Path, notYet.Clock);
        Assert.True(unactivated.IsSuccess, unactivated.Refusal?.ToString());
        Assert.False(unactivated.Value.Activated);
        Assert.Equal(ErrorCatalogue.KmsHostNotActivated, SignedKmsReport.Sign(notYet.Folder.Path, notYet.Clock).Refusal?.Error);
    }

    [Fact]
    public async Task Pk_kms_host_report_on_a_missing_folder_says_so_and_exits_with_its_code()
    {
        var missing = Path.Combine(_root, "typo");

        var result = await PkProcess.RunAsync("kms-host", "report", "--data", missing, "--signed", "--out", Path.Combine(_root, "report.txt"));

        Assert.True(result.ExitCode == ErrorCatalogue.StoreInvalid.ExitCode, result.ToString());
        Assert.StartsWith($"STORE_INVALID: {missing} does not exist", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Pk_kms_host_status_on_a_missing_folder_says_so_and_exits_with_its_code()
    {
        var missing = Path.Combine(_root, "typo");

        var result = await PkProcess.RunAsync("kms-host", "status", "--data", missing);

        Assert.True(result.ExitCode == ErrorCatalogue.StoreInvalid.ExitCode, result.ToString());
        Assert.StartsWith($"STORE_INVALID: {missing} does not exist", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task A_CAL_servers_folder_is_refused_before_a_KMS_host_makes_its_ID_there_or_uses_the_servers_key()
    {
        // The CAL server's folder: its ID and its key, under the name a KMS host's key has too.
        var path = Prepare("cal-server");
        Core.Signing.SigningKeyFile.LoadOrCreate(path).Value.Dispose();
        var before = Snapshot();

        var built = KmsHostApp.Build(new KmsHostOptions { DataDirectory = path }, ["http://127.0.0.1:0"], TimeProvider.System);
        if (built.IsSuccess)
        {
            await built.Value.DisposeAsync();
        }

        var identity = KmsHostIdentity.LoadOrCreate(new KmsHostFolder(path));
        if (identity.IsSuccess)
        {
            identity.Value.Dispose();
        }

        foreach (var refusal in new[] { built.Refusal, identity.Refusal })
        {
            Assert.Equal(ErrorCatalogue.StoreInvalid, refusal?.Error);
            Assert.Contains($"{path} holds a CAL server (server-id)", refusal!.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(before, Snapshot());
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Prepare(string kind)
    {
        var path = Path.Combine(_root, kind);
        switch (kind)
        {
            case "empty":
                Directory.CreateDirectory(path);
                break;
            case "cal-server":
                Directory.CreateDirectory(path);
                File.WriteAllText(Path.Combine(path, "server-id"), "cals-0123456789abcdef\n");
                File.WriteAllText(Path.Combine(path, "cal.db"), "");
                break;
            case "a-file":
                File.WriteAllText(path, "not a folder");
                break;
        }

        return path;
    }

    private string[] Snapshot() => [.. Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
}
