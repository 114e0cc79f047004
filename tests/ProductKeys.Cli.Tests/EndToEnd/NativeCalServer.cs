using System.Diagnostics;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The Native AOT <c>pk-cal-server</c> published by scripts/publish-cal-server.sh (test.sh runs it before the
/// tests): <c>PK_CAL_SERVER_NATIVE</c>, else its place under artifacts/publish.
/// </summary>
internal static class NativeCalServer
{
    public static string Path
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("PK_CAL_SERVER_NATIVE") is { Length: > 0 } set
                ? set
                // artifacts/bin/ProductKeys.Cli.Tests/<config>/ → artifacts/publish/ProductKeys.CalServer.Native/release_linux-x64/
                : System.IO.Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "publish", "ProductKeys.CalServer.Native", "release_linux-x64", "pk-cal-server");
            return File.Exists(path)
                ? System.IO.Path.GetFullPath(path)
                : throw new InvalidOperationException($"{System.IO.Path.GetFullPath(path)} is missing: run scripts/publish-cal-server.sh (./test.sh does).");
        }
    }

    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
