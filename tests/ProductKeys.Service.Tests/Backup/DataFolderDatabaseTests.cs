using System.Diagnostics;
using System.Runtime.Versioning;
using Microsoft.Data.Sqlite;
using ProductKeys.Data;
using ProductKeys.Data.Backup;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Backup;

/// <summary>
/// The SQLite database of a data folder as pk server, pk db migrate and pk db restore leave it: owner-only files, no wait
/// without end on a migration lock left behind, no silent empty service after a restore cut short, a hint that survives copy-paste.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DataFolderDatabaseTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-data-files-").FullName;

    [Fact]
    public async Task The_migrate_command_a_restore_prints_names_its_folder_for_the_shell_whatever_the_path_holds()
    {
        var older = DatabaseSettings.ForDataDirectory(Directory.CreateDirectory(Path.Combine(_folder, "older")).FullName);
        await OlderSchema.CreateAsync(fixture.Options.Database, older, OlderSchema.Migrations(DatabaseProvider.Sqlite)[^1]);
        var backup = SqliteBackup.Backup(older, Path.Combine(_folder, "older.db"), overwrite: false);
        Assert.True(backup.IsSuccess, backup.Refusal?.ToString());

        var data = Path.Combine(_folder, "restored here, it's $HOME `id` & (more)");
        var restored = SqliteBackup.Restore(backup.Value.Path, DatabaseSettings.ForDataDirectory(data), replace: false);
        Assert.True(restored.IsSuccess, restored.Refusal?.ToString());
        var command = Assert.Single(restored.Value.NextSteps(data).Split('\n'), l => l.TrimStart().StartsWith("pk db migrate", StringComparison.Ordinal)).Trim();

        // As a POSIX shell reads the line the operator copies: four words, the last the whole path.
        var shell = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        shell.ArgumentList.Add("-c");
        shell.ArgumentList.Add($"printf '%s\\n' {command["pk ".Length..]}");
        using var process = Process.Start(shell)!;
        var words = (await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["db", "migrate", "--data", data], words);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
