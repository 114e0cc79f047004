using System.Diagnostics;
using Npgsql;

namespace ProductKeys.Service.Tests.Backup;

/// <summary>PostgreSQL's own client programs (pg_dump, pg_restore), run against the test server as an operator would.</summary>
internal static class PostgresTools
{
    /// <summary>Runs <paramref name="program"/> with libpq options for <paramref name="connectionString"/>, then <paramref name="args"/>; fails the test on a non-zero exit.</summary>
    public static async Task RunAsync(string program, string connectionString, params string[] args)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(Find(program)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["-h", target.Host!, "-p", target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", target.Username!, "-d", target.Database!, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        if (target.Password is { } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}: {await output}{await errors}");
    }

    /// <summary>The newest installed version's binary (Debian: /usr/lib/postgresql/N/bin), as scripts/test-postgres.sh finds the server.</summary>
    private static string Find(string program)
    {
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", program)).Where(File.Exists)
                .OrderByDescending(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), out var v) ? v : 0).FirstOrDefault()
            : null;
        return installed ?? program;
    }
}
