using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Hosting;

/// <summary>
/// The data folder of a server about to be built: it is the content root (its <c>appsettings.json</c> may name the
/// certificate), so it must exist before the addresses and the certificate are checked. Made empty, owner-only when
/// new, and nothing else: a start refused for its TLS settings leaves no key, ID or database behind (as <c>pk server</c>). One that
/// other users may write into, or another user owns, is refused (STORE_INVALID, its mode, chmod 700).
/// </summary>
public static class ServingFolder
{
    /// <summary>Makes <paramref name="path"/> if it does not exist.</summary>
    /// <returns><c>STORE_INVALID</c> naming the path when it cannot be a folder (a file, no permission) or is shared; else <c>null</c>.</returns>
    public static Refusal? Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            PrivateFolder.Create(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{path} cannot be made a data folder ({e.Message.TrimEnd('.')}): give --data a folder this user may write.");
        }

        return Unshared(path);
    }

    /// <summary>
    /// What every command that reads or makes files in a KMS host's or CAL server's data folder checks first (<c>serve</c>,
    /// <c>activate</c>, <c>status</c>, <c>report</c>, <c>install-pack</c>, <c>revoke-device</c>): a folder that is not there yet passes
    /// (it is made owner-only), one that is there must not be shared.
    /// </summary>
    /// <returns><c>STORE_INVALID</c> naming the folder, its mode and chmod 700 (or chown) when it is shared; else <c>null</c>.</returns>
    public static Refusal? Unshared(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return OperatingSystem.IsWindows() || !Directory.Exists(path) ? null : Shared(path);
    }

    /// <summary>
    /// A folder other users may write into, or another user owns (who may write into it whatever its mode), is refused before
    /// anything is read or made in it, as <c>pk server</c> refuses its data folder: they could plant the server's signing key,
    /// ID, publisher keys or database, or swap the counts and records it keeps.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static Refusal? Shared(string path)
    {
        if (RegularFile.OwnedByAnotherUser(path))
        {
            return OpenToOthers.Refusal(
                $"The data folder {path} belongs to another user: its owner can plant the server's key, ID or database it would use. "
                + $"Run pk as that user, make it this user's own (chown, then chmod 700 {ShellWord.Quote(path)}), or give another --data.");
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0
            ? null
            : OpenToOthers.Refusal(
                $"The data folder {path} may be written by other users (mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}): whoever can write there can plant "
                + $"the server's key, ID or database it would use. Make it the service user's own and private (chmod 700 {ShellWord.Quote(path)}), or give another --data.");
    }
}
