using System.Text;

namespace ProductKeys.Fuzz;

/// <summary>How the harnesses turn AFL's bytes into the text a user, a file or a request would carry.</summary>
internal static class FuzzInput
{
    /// <summary>Invalid UTF-8 becomes U+FFFD, as a reader of a text file or a request body sees it.</summary>
    public static string Text(byte[] input) => Encoding.UTF8.GetString(input);

    /// <summary>A product rule the harness checks on top of "no unexpected exception"; a broken one is a finding.</summary>
    public static void Require(bool condition, string rule)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Fuzz finding: {rule}");
        }
    }

    /// <summary>A scratch folder for harnesses that read files, one per process, removed at exit.</summary>
    public static string ScratchFolder(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pk-fuzz-{name}-{Environment.ProcessId}");
        Directory.CreateDirectory(path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS's temp cleanup; nothing depends on it.
            }
        };
        return path;
    }
}
