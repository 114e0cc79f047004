using System.Net;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Text.Json;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The operator's procedure through the real binary: pk db backup while pk server serves, pk db restore
/// into a new folder, pk server on it with the first folder's secrets; each refusal with its code.
/// </summary>
public sealed class BackupRestoreEndToEndTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-backup-e2e-").FullName;

    private const string ServerAnnouncementsCategory = "ProductKeys.Announcements";

    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_backup_of_a_serving_node_restores_into_a_new_folder_whose_server_is_ready_and_verifies_the_audit_chain()
    {
        var (first, second, file) = (Path.Combine(_folder, "first"), Path.Combine(_folder, "second"), Path.Combine(_folder, "productkeys-backup.db"));
        long audited;
        string publisher;
        await using (var serving = await PkServerProcess.StartAsync(() => Task.FromResult(File.Exists(Path.Combine(first, "demo.json"))), "--demo", "--data", first))
        {
            var backup = await Pk.RunAsync("db", "backup", "--data", first, "--out", file, "--json");
            Assert.True(backup.ExitCode == 0, backup.ToString());
            audited = backup.Json.GetProperty("auditSequence").GetInt64();
            Assert.True(audited > 0, backup.ToString());
            Assert.True(backup.Json.GetProperty("rows").GetProperty("Keys").GetInt64() > 0, backup.ToString());
            // It holds what the database holds (users, sessions, the audit log): 0644 under the usual umask before.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.False(serving.HasExited);
            using var demo = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(first, "demo.json"), TestContext.Current.CancellationToken));
            publisher = demo.RootElement.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("name").GetString() == "publisher-admin").GetProperty("token").GetString()!;
        }

        var restore = await Pk.RunAsync("db", "restore", "--data", second, "--from", file);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains($"head #{audited} ", restore.Stdout, StringComparison.Ordinal);
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(second));
        AssertRefused(ErrorCatalogue.DatabaseNotEmpty, await Pk.RunAsync("db", "restore", "--data", second, "--from", file));

        await using var restored = await PkServerProcess.StartAsync(null, "--data", second, "--secrets", Path.Combine(first, "secrets"), "--log-format", "json");
        using var http = new HttpClient { BaseAddress = new Uri(restored.Url) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        using var verify = new HttpRequestMessage(HttpMethod.Get, "/api/v1/audit/verify");
        verify.Headers.Authorization = new AuthenticationHeaderValue("Bearer", publisher);
        using var verified = JsonDocument.Parse(await (await http.SendAsync(verify, TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(verified.RootElement.GetProperty("valid").GetBoolean(), verified.RootElement.GetRawText());
        Assert.Equal(audited, verified.RootElement.GetProperty("verifiedEntries").GetInt64());

        // --log-format json: stdout is JSON objects, one a line, the server's "listening on" announcement included
        // (the logger writes it a moment after the server answers).
        for (var waited = 0; waited < 200 && !restored.Output.Any(l => l.Contains("pk server: listening on", StringComparison.Ordinal)); waited++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var logged = restored.Output.Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(logged, l => l.TryGetProperty("Category", out _) && l.TryGetProperty("LogLevel", out _) && l.TryGetProperty("Timestamp", out _));
        Assert.Contains(logged, l => l.GetProperty("Category").GetString() == ServerAnnouncementsCategory
            && l.GetProperty("Message").GetString()!.StartsWith("pk server: listening on ", StringComparison.Ordinal));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_data_folder_pk_db_migrate_makes_is_its_owners_only_as_pk_server_makes_it()
    {
        var data = Path.Combine(_folder, "migrated");
        var migrate = await Pk.RunAsync("db", "migrate", "--data", data);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(data));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Under_umask_000_the_folders_pk_db_makes_are_0700_and_its_database_and_backup_files_0600()
    {
        const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var (data, file, restored) = (Path.Combine(_folder, "new", "data"), Path.Combine(_folder, "b.db"), Path.Combine(_folder, "restored", "data"));
        var migrate = await UnderUmask000Async("db", "migrate", "--data", data);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        var backup = await UnderUmask000Async("db", "backup", "--data", data, "--out", file);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var restore = await UnderUmask000Async("db", "restore", "--data", restored, "--from", file);
        Assert.True(restore.ExitCode == 0, restore.ToString());

        Assert.Equal([OwnerOnlyFolder, OwnerOnlyFolder, OwnerOnlyFolder, OwnerOnlyFolder],
            new[] { Path.Combine(_folder, "new"), data, Path.Combine(_folder, "restored"), restored }.Select(File.GetUnixFileMode));
        Assert.Equal([OwnerOnlyFile, OwnerOnlyFile, OwnerOnlyFile],
            new[] { Path.Combine(data, "productkeys.db"), file, Path.Combine(restored, "productkeys.db") }.Select(File.GetUnixFileMode));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_named_pipe_given_as_the_backup_to_restore_or_to_replace_is_refused_at_once_naming_it()
    {
        var fifo = Path.Combine(_folder, "pipe.db");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Before, both waited for a writer to the pipe without end.
        var restore = await Pk.RunAsync("db", "restore", "--data", Path.Combine(_folder, "restored"), "--from", fifo);
        AssertRefused(ErrorCatalogue.ValidationFailed, restore);
        Assert.Contains(fifo, restore.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "restored")));

        var data = Path.Combine(_folder, "data");
        Assert.Equal(0, (await Pk.RunAsync("db", "migrate", "--data", data)).ExitCode);
        var backup = await Pk.RunAsync("db", "backup", "--data", data, "--out", fifo, "--force");
        AssertRefused(ErrorCatalogue.ValidationFailed, backup);
        Assert.Contains(fifo, backup.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_that_are_no_backup_and_PostgreSQL_are_refused_with_their_code()
    {
        var notes = Path.Combine(_folder, "notes.txt");
        await File.WriteAllTextAsync(notes, "this is not a database, and longer than sixteen bytes", TestContext.Current.CancellationToken);
        AssertRefused(ErrorCatalogue.BackupInvalid, await Pk.RunAsync("db", "restore", "--data", Path.Combine(_folder, "any"), "--from", notes));
        Assert.False(Directory.Exists(Path.Combine(_folder, "any")));

        var postgres = await Pk.RunAsync("db", "backup", "--db", "Host=127.0.0.1;Database=pk", "--out", Path.Combine(_folder, "pg.db"));
        AssertRefused(ErrorCatalogue.ValidationFailed, postgres);
        Assert.Contains("pg_dump", postgres.Stderr, StringComparison.Ordinal);

        var missing = await Pk.RunAsync("db", "backup", "--data", Path.Combine(_folder, "nothing-here"), "--out", Path.Combine(_folder, "x.db"));
        AssertRefused(ErrorCatalogue.ValidationFailed, missing);
        Assert.False(File.Exists(Path.Combine(_folder, "x.db")));
    }

    [Theory]
    [InlineData("backup")]
    [InlineData("restore")]
    public async Task Their_help_says_a_PostgreSQL_database_is_backed_up_with_pg_dump_not_that_db_selects_it(string command)
    {
        var help = await Pk.RunAsync("db", command, "--help");

        Assert.True(help.ExitCode == 0, help.ToString());
        var db = Assert.Single(help.Stdout.Split('\n'), l => l.TrimStart().StartsWith("--db", StringComparison.Ordinal));
        Assert.Contains("pg_dump", db, StringComparison.Ordinal);
        Assert.DoesNotContain("PostgreSQL instead of SQLite", db, StringComparison.Ordinal);
        var force = Assert.Single(help.Stdout.Split('\n'), l => l.TrimStart().StartsWith("--force", StringComparison.Ordinal));
        Assert.DoesNotContain(command == "backup" ? "database that holds data" : "existing file", force, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>pk run by a shell whose umask is 000: what pk leaves private must not depend on the umask.</summary>
    private static Task<Pk.Result> UnderUmask000Async(params string[] args)
    {
        var start = Pk.StartInfo(null, args);
        start.FileName = "/bin/sh";
        start.ArgumentList.Insert(0, "umask 000 && exec dotnet \"$@\"");
        start.ArgumentList.Insert(0, "-c");
        start.ArgumentList.Insert(2, "sh");
        return Pk.RunAsync(start, $"umask 000; pk {string.Join(' ', args)}");
    }

    private static void AssertRefused(ErrorCode expected, Pk.Result result)
    {
        Assert.True(result.ExitCode == expected.ExitCode, result.ToString());
        Assert.StartsWith($"{expected.Code}: ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
