namespace ProductKeys.Core.Files;

/// <summary>
/// A file a <c>pk</c> command is named to read (a key file, an offline request or response, a trust file, credentials): a FIFO
/// with no writer blocked the open, so pk hung, and a device (/dev/zero, /dev/tty) never ends. Its type is asked first, without
/// opening it, and anything but a regular file (or a link to one) is refused as an <see cref="IOException"/>, which every reader
/// already turns into a refusal naming the file.
/// </summary>
public static class RegularFile
{
    /// <summary>Why <paramref name="path"/> is not read (a device, a pipe, a socket), or <c>null</c>, also when it does not exist.</summary>
    /// <param name="path">The file to read; a link is followed.</param>
    public static string? NotReadable(string path) =>
        FileKinds.Of(path, followLinks: true) == FileKind.Other ? NotRegular : null;

    /// <summary>
    /// Whether <paramref name="path"/> (a link followed) belongs to another user than this process's: <c>false</c> when it is
    /// this user's, or where that cannot be asked (not Linux, no such file).
    /// </summary>
    /// <param name="path">The file.</param>
    public static bool OwnedByAnotherUser(string path) =>
        FileKinds.Owner(path) is { } owner && FileKinds.EffectiveUser() is { } me && owner != me;

    /// <summary>The text of <paramref name="path"/>, as <see cref="File.ReadAllText(string)"/> reads it, opened by <see cref="OpenRead"/>.</summary>
    /// <param name="path">The file to read; a link is followed.</param>
    /// <exception cref="IOException">It is not a regular file, or cannot be read.</exception>
    public static string ReadAllText(string path)
    {
        using var reader = new StreamReader(OpenRead(path));
        return reader.ReadToEnd();
    }

    /// <summary>
    /// <paramref name="path"/> opened for reading if it is a regular file (a link to one followed). The open itself never blocks and the type
    /// is that of what was opened (<see cref="FileKinds.OpenWithoutBlocking"/>): a check before the open saw a file, and a FIFO put in its
    /// place before the open still held pk forever. Where that cannot be done (not Linux), the type is asked first, then the file opened.
    /// </summary>
    /// <param name="path">The file to read; a link is followed.</param>
    /// <exception cref="IOException">It is not a regular file, or cannot be opened (<see cref="FileNotFoundException"/> when missing).</exception>
    /// <exception cref="UnauthorizedAccessException">This user may not read it.</exception>
    public static FileStream OpenRead(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var opened = FileKinds.OpenWithoutBlocking(path);
        if (opened is null)
        {
            return NotReadable(path) is { } why
                ? throw new IOException($"{path} is {why}.")
                : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }

        var (handle, kind) = opened.Value;

        if (kind is FileKind.Other or FileKind.Directory)
        {
            handle.Dispose();
            throw new IOException($"{path} is {(kind == FileKind.Directory ? "a folder" : NotRegular)}.");
        }

        return new FileStream(handle, FileAccess.Read);
    }

    private const string NotRegular = "not a regular file but a device, a pipe or a socket";
}
