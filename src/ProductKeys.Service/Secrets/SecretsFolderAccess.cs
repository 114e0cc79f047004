using System.Runtime.Versioning;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Service.Secrets;

/// <summary>
/// The publisher secrets folder (<c>--secrets DIR</c>, else <c>DATA/secrets</c>): whoever reads <c>key-groups.key</c> can work out
/// every product key, and whoever writes into the folder can plant a secret or a signing key of their own before a start. A folder
/// other users may write into or another user than root owns, and a key-group secret others may read or another user owns, are
/// refused (STORE_INVALID naming the path, its mode and the fix; the rule for key files is <see cref="KeyFileAccess"/>), as the data folder is (<see cref="Data.DataFolder"/>) and as a signing key
/// file is (<see cref="Core.Signing.SigningKeyFile"/>). Not checked on Windows, where files inherit the folder's ACL.
/// </summary>
public static class SecretsFolderAccess
{
    private const UnixFileMode OthersWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>The first reason <paramref name="folder"/> or a key-group secret in it must not be used; <c>null</c> when none (or it does not exist).</summary>
    public static Refusal? RefuseShared(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (OperatingSystem.IsWindows() || !Directory.Exists(folder))
        {
            return null;
        }

        var retired = Path.Combine(folder, PublisherKeyRing.RetiredFolderName);
        foreach (var path in Directory.Exists(retired) ? new[] { folder, retired } : [folder])
        {
            if (FolderRefusal(path) is { } refusal)
            {
                return refusal;
            }
        }

        var secrets = Directory.GetFiles(folder, "key-groups*.key").Order(StringComparer.Ordinal);
        return secrets.Select(SecretRefusal).FirstOrDefault(r => r is not null);
    }

    [UnsupportedOSPlatform("windows")]
    private static Refusal? FolderRefusal(string path)
    {
        if (KeyFileAccess.FolderOwnedByAnother(path))
        {
            return OpenToOthers.Refusal(
                $"The secrets folder {path} belongs to another user: its owner can plant the key-group secret or the signing key pk would use. "
                + $"Run pk as that user, make it this user's own (chown, then chmod 700 {ShellWord.Quote(path)}), or give another --secrets.");
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & OthersWrite) == 0
            ? null
            : OpenToOthers.Refusal(
                $"The secrets folder {path} may be written by other users (mode {KeyFileAccess.Octal(mode)}): whoever can write there can plant the key-group secret "
                + $"or the signing key pk would use. Make it the service user's own and private (chmod 700 {ShellWord.Quote(path)}), or give another --secrets.");
    }

    private static Refusal? SecretRefusal(string path) => KeyFileAccess.Check(path, out var mode) switch
    {
        KeyFileProblem.AnotherOwner => OpenToOthers.Refusal(
            $"The key-group secret {path} belongs to another user, who may have planted or read it: make it this user's own (chown, then chmod 600 {ShellWord.Quote(path)}) "
            + "if it is the publisher's, else restore the publisher's from a backup."),
        KeyFileProblem.OpenToOthers => OpenToOthers.Refusal(
            $"The key-group secret {path} is accessible to other users (mode {KeyFileAccess.Octal(mode)}; {KeyFileAccess.Rule}): whoever reads it can work out every product key. "
            + $"Make it private: {KeyFileAccess.Fix(path)}; if others may have copied it, issue new keys under a new secret ('pk key-groups rotate')."),
        _ => null,
    };

}
