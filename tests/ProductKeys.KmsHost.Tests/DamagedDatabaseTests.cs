using Microsoft.Data.Sqlite;
using ProductKeys.Core.Errors;
using ProductKeys.KmsHost.Status;

namespace ProductKeys.KmsHost.Tests;

/// <summary>
/// A <c>kms.db</c> that is not a database (overwritten, a disk error): <c>serve</c>, <c>status</c> and <c>report</c> stop with
/// STORE_INVALID naming the file and what to do, not INTERNAL_ERROR, and leave it as it was.
/// </summary>
public sealed class DamagedDatabaseTests
{
    [Fact]
    public async Task A_damaged_kms_db_stops_serve_status_and_report_with_STORE_INVALID_naming_it()
    {
        using var host = new HostFixture();
        host.Database.Dispose();
        SqliteConnection.ClearAllPools();
        var file = host.Folder.DatabaseFile;
        foreach (var path in (string[])[file, file + "-wal", file + "-shm"])
        {
            File.Delete(path);
        }

        byte[] damaged = [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7))];
        File.WriteAllBytes(file, damaged);

        var built = KmsHostApp.Build(new KmsHostOptions { DataDirectory = host.Folder.Path }, ["http://127.0.0.1:0"], host.Clock);
        if (built.IsSuccess)
        {
            await built.Value.DisposeAsync();
        }

        var status = KmsStatusReader.ReadExisting(host.Folder.Path, host.Clock);
        var report = SignedKmsReport.Sign(host.Folder.Path, host.Clock);

        foreach (var refusal in new[] { built.Refusal, status.Refusal, report.Refusal })
        {
            Assert.Equal(ErrorCatalogue.StoreInvalid, refusal?.Error);
            Assert.Contains($"{file} cannot be used", refusal!.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(damaged, File.ReadAllBytes(file));
    }

    [Fact]
    public void A_kms_db_that_is_a_folder_or_an_empty_host_id_stops_status_and_report_as_serve()
    {
        // status answered success with no database and a blank "Host ID:" while serve refused the same folder.
        using var host = new HostFixture();
        host.Database.Dispose();
        SqliteConnection.ClearAllPools();
        File.WriteAllText(host.Folder.HostIdFile, "");
        var hostId = KmsStatusReader.ReadExisting(host.Folder.Path, host.Clock).Refusal;
        Assert.Equal(ErrorCatalogue.StoreInvalid, hostId?.Error);
        Assert.Contains("host-id is damaged", hostId!.Detail, StringComparison.Ordinal);

        File.WriteAllText(host.Folder.HostIdFile, "kmsh-0011223344556677\n");
        var file = host.Folder.DatabaseFile;
        foreach (var path in (string[])[file, file + "-wal", file + "-shm"])
        {
            File.Delete(path);
        }

        Directory.CreateDirectory(file);
        foreach (var refusal in new[] { KmsStatusReader.ReadExisting(host.Folder.Path, host.Clock).Refusal, SignedKmsReport.Sign(host.Folder.Path, host.Clock).Refusal })
        {
            Assert.Equal(ErrorCatalogue.StoreInvalid, refusal?.Error);
            Assert.Contains($"{file} is a folder", refusal!.Detail, StringComparison.Ordinal);
        }
    }
}
