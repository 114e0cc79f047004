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
    /// <paramref name="path"/> opened for reading if it is a regular file (a link to one followed). Its type is asked by the path first, so
    /// a device is never opened (opening one can arm a watchdog or rewind a tape), then the open itself never blocks and the type is
    /// checked again on what was opened (<see cref="FileKinds.OpenWithoutBlocking"/>): a FIFO put in the file's place after the first check
    /// would otherwise hold pk forever. Where that cannot be done (not Linux), the type is asked, then the file opened.
    /// </summary>
    /// <param name="path">The file to read; a link is followed.</param>
    /// <exception cref="IOException">It is not a regular file, or cannot be opened (<see cref="FileNotFoundException"/> when missing).</exception>
    /// <exception cref="UnauthorizedAccessException">This user may not read it.</exception>
    public static FileStream OpenRead(string path) => Open(path).Stream;

    /// <summary>
    /// <see cref="OpenRead"/>, with the owner and permission bits of the file opened (not of the path asked about before): <c>null</c>
    /// where they cannot be told (the owner outside Linux; both on Windows).
    /// </summary>
    internal static (FileStream Stream, uint? Owner, UnixFileMode? Mode) Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (NotReadable(path) is { } notRegular)
        {
            throw new IOException($"{path} is {notRegular}.");
        }

        var opened = FileKinds.OpenWithoutBlocking(path);
        if (opened is null)
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return (stream, null, OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(stream.SafeFileHandle));
        }

        if (opened.Kind is FileKind.Other or FileKind.Directory)
        {
            opened.Handle.Dispose();
            throw new IOException($"{path} is {(opened.Kind == FileKind.Directory ? "a folder" : NotRegular)}.");
        }

        return (new FileStream(opened.Handle, FileAccess.Read), opened.Owner, opened.Mode);
    }

    private const string NotRegular = "not a regular file but a device, a pipe or a socket";
}
