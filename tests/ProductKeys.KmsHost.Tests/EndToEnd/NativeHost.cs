using System.Diagnostics;

namespace ProductKeys.KmsHost.Tests.EndToEnd;

/// <summary>
/// The Native AOT <c>pk-kms-host</c> published by scripts/publish-kms-host.sh (test.sh runs it before
/// the tests): <c>PK_KMS_HOST_NATIVE</c>, else its place under artifacts/publish.
/// </summary>
internal static class NativeHost
{
    public static string Path
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("PK_KMS_HOST_NATIVE") is { Length: > 0 } set
                ? set
                // artifacts/bin/ProductKeys.KmsHost.Tests/<config>/ → artifacts/publish/ProductKeys.KmsHost.Native/release_linux-x64/
                : System.IO.Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "publish", "ProductKeys.KmsHost.Native", "release_linux-x64", "pk-kms-host");
            return File.Exists(path)
                ? System.IO.Path.GetFullPath(path)
                : throw new InvalidOperationException($"{System.IO.Path.GetFullPath(path)} is missing: run scripts/publish-kms-host.sh (./test.sh does).");
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
