using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Files;

/// <summary>
/// A file a <c>pk</c> command is asked to write (<c>--out</c>, <c>--offline-request</c>, <c>pk dti FILE</c>, …), checked
/// before anything is made or asked for: a mistyped folder is not created, a folder is not a file, and a write that
/// fails all the same is a refusal naming the file, never INTERNAL_ERROR. The one place of that rule for every command.
/// </summary>
public static class OutputFile
{
    /// <summary>
    /// The name that means standard output where a command takes a file to write (<c>--out -</c>, <c>-o -</c>), as in most Unix
    /// tools: a file of that name was written in the current folder. <c>./-</c> still names such a file.
    /// </summary>
    public const string StandardOutput = "-";

    /// <summary>Whether <paramref name="path"/>, as the command line gave it, means standard output.</summary>
    /// <param name="path">The path as given, not made full (<c>FileInfo.ToString()</c>, not <c>FullName</c>).</param>
    public static bool IsStandardOutput(string? path) => path == StandardOutput;

    /// <summary>Standard output for <see cref="StandardOutput"/>, else the file <see cref="CreateOwnerOnly"/> makes.</summary>
    /// <param name="path">The path as given.</param>
    /// <exception cref="IOException">As <see cref="CreateOwnerOnly"/>.</exception>
    public static Stream Open(string path) => IsStandardOutput(path) ? Console.OpenStandardOutput() : CreateOwnerOnly(path);

    /// <summary>Why <paramref name="path"/> cannot be written, or <c>null</c>.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="option">The option or argument that named it, for the message.</param>
    public static Refusal? Check(string path, string option)
    {
        if (string.IsNullOrEmpty(path))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"{option} is empty: name the file to write.");
        }

        if (IsStandardOutput(path))
        {
            return null;
        }

        if (Directory.Exists(path))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"{option} {path} is a folder: name the file to write in it, e.g. {Path.Combine(path, "file.json")}.");
        }

        if (NotWritten(path) is { } why)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"{option} {path} is {why}: pk does not write there. Remove it, or name another file.");
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
    /// Creates <paramref name="path"/> anew for writing, readable by its owner only (0600 on Unix): for files that hold secrets
    /// (plaintext keys in offline requests and key exports, tokens) and every other file a command is asked to write. A file
    /// already there is removed first, then the new one made with an exclusive create (O_CREAT|O_EXCL), which never follows a
    /// link and never opens a FIFO: a link or a FIFO another local user put there in between makes it fail, nothing written.
    /// </summary>
    /// <exception cref="IOException">The path names a symbolic link, a device, a pipe or a socket rather than a file (nothing
    /// changed or written), or the file cannot be removed or made.</exception>
    public static FileStream CreateOwnerOnly(string path)
    {
        if (NotWritten(path) is { } why)
        {
            throw new IOException(why);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // unlink(2) removes a link itself, never what it names; the exclusive create below refuses whatever took its place.
        File.Delete(path);
        return new FileStream(path, options);
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to a file made anew by <see cref="CreateOwnerOnly"/>, or to standard output (<see cref="Open"/>).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="text">What it holds.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="IOException">As <see cref="CreateOwnerOnly"/>, or the write failed.</exception>
    public static async Task WriteAllTextAsync(string path, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        await using var file = Open(path);
        await file.WriteAsync(new System.Text.UTF8Encoding(false).GetBytes(text), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Why pk does not write at <paramref name="path"/> (a link, a device, a pipe, a socket), or <c>null</c>.</summary>
    private static string? NotWritten(string path) => FileKinds.Of(path, followLinks: false) switch
    {
        // Another local user's link in /tmp would have the file written where they chose (as root: any file), or kept where they read it.
        FileKind.SymbolicLink => "a symbolic link",
        // Run as root, tightening /dev/null to 0600 broke every other user's programs, and a FIFO handed the keys to whoever read it.
        FileKind.Other => "not a regular file but a device, a pipe or a socket",
        _ => null,
    };
}
