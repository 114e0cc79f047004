using System.Diagnostics;

namespace ProductKeys.Testing;

/// <summary>
/// A published Native AOT server (pk-kms-host, pk-cal-server) copied alone into a folder, as an operator who ships one file
/// of the two: it must refuse with <c>NATIVE_LIBRARY_MISSING</c> (exit 72) naming where <c>libe_sqlite3.so</c> belongs and
/// the script that publishes it, and make nothing in its data folder.
/// </summary>
internal static class NativeServerAlone
{
    public static async Task AssertRefusedWithoutItsSqliteLibraryAsync(string published, string root, string publishScript)
    {
        var alone = Directory.CreateDirectory(Path.Combine(root, "alone")).FullName;
        var copy = Path.Combine(alone, Path.GetFileName(published));
        File.Copy(published, copy);
        var data = Path.Combine(root, "alone-data");
        var start = new ProcessStartInfo(copy) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["--data", data, "--urls", "http://127.0.0.1:0"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == 72, $"exit {process.ExitCode}: {error}");
        Assert.StartsWith("NATIVE_LIBRARY_MISSING: ", error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(alone, "libe_sqlite3.so"), error, StringComparison.Ordinal);
        Assert.Contains(publishScript, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data)); // no key, ID or lock made for a server that cannot run
    }
}
