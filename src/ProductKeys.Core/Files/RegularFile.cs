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
        FileKinds.Of(path, followLinks: true) == FileKind.Other ? "not a regular file but a device, a pipe or a socket" : null;

    /// <summary>
    /// Whether <paramref name="path"/> (a link followed) belongs to another user than this process's: <c>false</c> when it is
    /// this user's, or where that cannot be asked (not Linux, no such file).
    /// </summary>
    /// <param name="path">The file.</param>
    public static bool OwnedByAnotherUser(string path) =>
        FileKinds.Owner(path) is { } owner && FileKinds.EffectiveUser() is { } me && owner != me;

    /// <summary>The text of <paramref name="path"/>, as <see cref="File.ReadAllText(string)"/> reads it, once it is known to be a file.</summary>
    /// <param name="path">The file to read; a link is followed.</param>
    /// <exception cref="IOException">It is not a regular file, or cannot be read.</exception>
    public static string ReadAllText(string path)
    {
        if (NotReadable(path) is { } why)
        {
            throw new IOException($"{path} is {why}.");
        }

        return File.ReadAllText(path);
    }
}
