using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Files;

/// <summary>
/// A file a <c>pk</c> command is asked to write (<c>--out</c>, <c>--offline-request</c>, <c>pk dti FILE</c>, …), checked
/// before anything is made or asked for: a mistyped folder is not created, a folder is not a file, and a write that
/// fails all the same is a refusal naming the file, never INTERNAL_ERROR. The one place of that rule for every command.
/// </summary>
public static class OutputFile
{
    /// <summary>Why <paramref name="path"/> cannot be written, or <c>null</c>.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="option">The option or argument that named it, for the message.</param>
    public static Refusal? Check(string path, string option)
    {
        if (string.IsNullOrEmpty(path))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"{option} is empty: name the file to write.");
        }

        if (Directory.Exists(path))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"{option} {path} is a folder: name the file to write in it, e.g. {Path.Combine(path, "file.json")}.");
        }

        // As .NET will open it: Path.GetFullPath, which every file API applies, resolves ".." by the text ("link/.." is the
        // folder holding the link), so the folder checked is the folder the file would be written in.
        string folder;
        try
        {
            folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "";
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"{option} {path} is not a file name this system takes: {e.Message}");
        }

        return Directory.Exists(folder)
            ? null
            : new Refusal(ErrorCatalogue.ValidationFailed, $"{option}: the folder {folder} does not exist: create it, or write the file elsewhere.");
    }

    /// <summary>A write that failed all the same (permissions, a full disk), as a refusal naming the file.</summary>
    public static Refusal Unwritable(string path, string option, Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(ErrorCatalogue.ValidationFailed, $"{option} {path} cannot be written ({e.Message.TrimEnd('.')}): name a file in a folder you can write.");
    }

    /// <summary>Whether <paramref name="e"/> is how writing a file fails (rather than a bug).</summary>
    public static bool IsWriteFailure(Exception e) => e is IOException or UnauthorizedAccessException or NotSupportedException;

    /// <summary>
    /// Creates or truncates <paramref name="path"/> for writing, readable by its owner only (0600 on Unix): for files that hold
    /// secrets (plaintext keys in offline requests and key exports, tokens). An existing file is tightened before a byte is written.
    /// </summary>
    /// <exception cref="IOException">The path names a device, a pipe or a socket rather than a file (nothing changed or written).</exception>
    public static FileStream CreateOwnerOnly(string path)
    {
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        var file = new FileStream(path, options);
        if (OperatingSystem.IsWindows())
        {
            return file;
        }

        try
        {
            // Only a regular file can be cut to a length (ftruncate is EINVAL on a device, a FIFO, a socket; .NET has no fstat):
            // anything else is refused before its mode is changed or a secret written. Run as root, tightening /dev/null to 0600
            // broke every other user's programs, and a FIFO handed the keys to whoever read it (found by a hostile review).
            file.SetLength(0);
        }
        catch (Exception e) when (e is IOException or NotSupportedException)
        {
            file.Dispose();
            throw new IOException("not a regular file but a device, a pipe or a socket", e);
        }

        try
        {
            // An existing file keeps its old mode on Create.
            File.SetUnixFileMode(file.SafeFileHandle, OwnerOnly);
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return file;
    }
}
