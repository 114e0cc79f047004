using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Data;

/// <summary>
/// A data folder holds the database and, unless <c>--secrets</c> names another, the publisher secrets: a folder other users may
/// write into (a shared <c>/tmp/pk</c> made 0777 by someone else, a group-writable folder) lets them plant a <c>secrets/key-groups.key</c>
/// of their own before the first start, or swap the database, and pk would use them. Such a folder is refused, not used, and so is
/// one another user owns, whose owner may write into it whatever its mode.
/// </summary>
public static class DataFolder
{
    private const UnixFileMode OthersWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>STORE_INVALID when <paramref name="path"/> belongs to another user or users other than its owner may write into it; <c>null</c> otherwise (or when it does not exist).</summary>
    public static Refusal? RefuseShared(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows() || !Directory.Exists(path))
        {
            return null;
        }

        // Its owner may write into it whatever its mode (and chmod it): another user's /tmp/pk, 0755, with their key-groups.key in it.
        if (RegularFile.OwnedByAnotherUser(path))
        {
            return OpenToOthers.Refusal(
                $"The data folder {path} belongs to another user: its owner can plant the secrets or the database pk would use. "
                + $"Run pk as that user, make it this user's own (chown, then chmod 700 {ShellWord.Quote(path)}), or give another --data.");
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & OthersWrite) == 0
            ? null
            : OpenToOthers.Refusal(
                $"The data folder {path} may be written by other users (mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}): whoever can write there can plant the secrets "
                + $"or the database pk would use. Make it the service user's own and private (chmod 700 {ShellWord.Quote(path)}), or give another --data.");
    }
}
