using System.Diagnostics;
using System.Globalization;
using ProductKeys.Testing;

namespace ProductKeys.Service.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of one test's own (initdb, pg_ctl), on a free loopback port in a temporary
/// folder, for tests that stop and start the database: the shared one of PK_TEST_POSTGRES serves
/// other tests meanwhile. The same binaries scripts/test-postgres.sh finds (Debian's postgresql
/// package); as root, initdb and pg_ctl run as the postgres user, as in that script. Also linked into
/// the CLI's end-to-end tests.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;

    private PrivatePostgres(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The superuser's connection string to the <c>postgres</c> database.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    /// <summary>A connection string to <paramref name="database"/> (EF Core's migration creates it).</summary>
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    /// <summary>The newest /usr/lib/postgresql/N/bin, or null when PostgreSQL is not installed.</summary>
    public static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderBy(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var version) ? version : 0)
                .LastOrDefault()
            : null;

    /// <summary>Creates a cluster (no fsync: a test's data need not survive a power cut) and starts it.</summary>
    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/N/bin/pg_ctl): run ./test.sh once, which installs Debian's postgresql package.");
        var folder = Directory.CreateTempSubdirectory("pk-private-pg-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // The postgres user creates the cluster inside it: rwxr-xr-x.
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        }

        if (IsRoot)
        {
            await RunAsync("chown", "postgres", folder);
        }

        var server = new PrivatePostgres(bin, folder, LoopbackPort.FreeTcp());
        try
        {
            await server.RunAsOwnerAsync("initdb", "-D", server.DataFolder, "-A", "trust", "-U", "postgres", "--no-sync");
            await server.StartAgainAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server as an operator's restart does (fast: open sessions are ended, 57P01), waiting until it is down.</summary>
    public Task StopAsync() => RunAsOwnerAsync("pg_ctl", "-D", DataFolder, "-m", "fast", "-w", "-t", "60", "stop");

    /// <summary>
    /// Starts the stopped server on the same port, waiting until it accepts connections. Room for
    /// three nodes at their most (docs/operations.md: a node opens up to its pool's 100 + 8 connections).
    /// </summary>
    public Task StartAgainAsync() => RunAsOwnerAsync("pg_ctl", "-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400", "start");

    /// <summary>Runs one statement with psql and returns its rows, one line each, columns separated by '|'.</summary>
    public Task<string[]> QueryAsync(string database, string sql) => QueryAsync(_bin, Port, database, sql);

    /// <summary>Runs <paramref name="sql"/> as <c>postgres</c> through psql on any PostgreSQL on loopback (the one test.sh starts, too).</summary>
    public static async Task<string[]> QueryAsync(string binaries, int port, string database, string sql)
    {
        var output = await RunAsync(Path.Combine(binaries, "psql"), "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture),
            "-U", "postgres", "-d", database, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsOwnerAsync("pg_ctl", "-D", DataFolder, "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped, or never started.
        }

        Directory.Delete(_folder, recursive: true);
    }

    private string DataFolder => Path.Combine(_folder, "data");

    private static bool IsRoot => Environment.UserName == "root";

    private Task<string> RunAsOwnerAsync(string program, params string[] args) =>
        IsRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, program), .. args])
            : RunAsync(Path.Combine(_bin, program), args);

    /// <summary>Runs a program to its end (2 minutes at most) and returns its output; fails with it when the exit code is not 0.</summary>
    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }

        return await stdout;
    }
}
