namespace ProductKeys.Core.Files;

/// <summary>
/// A data folder's file written whole or not at all: the text goes to a temporary file beside it, is flushed to the disk, then
/// renamed over the file, so a reader (a running server) or a crash sees the old file or the new one, never half of one. The
/// file is its owner's only (0600 on Unix), whatever the umask.
/// </summary>
public static class ReplacedFile
{
    /// <summary>Replaces (or creates) <paramref name="path"/> with <paramref name="text"/>.</summary>
    /// <exception cref="IOException">The folder cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written.</exception>
    public static void Write(string path, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(text);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // owner-only whatever the umask
        }

        File.Delete(temporary); // one left by a killed run keeps its mode on FileMode.Create
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
