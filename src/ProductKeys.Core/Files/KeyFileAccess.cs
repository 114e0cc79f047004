namespace ProductKeys.Core.Files;

/// <summary>What is wrong with who owns a key file, or with what others may do with it (<see cref="KeyFileAccess"/>).</summary>
public enum KeyFileProblem
{
    /// <summary>The file may be used.</summary>
    None,

    /// <summary>It belongs to a user other than the one pk runs as, and not to root: that user may have planted or read it.</summary>
    AnotherOwner,

    /// <summary>The group or others may read or change it more than its owner allows (see <see cref="KeyFileAccess"/>).</summary>
    OpenToOthers,
}

/// <summary>
/// Who may own a file holding a private key or a secret pk serves with (a TLS key, a signing key, the key-group secret), and what the
/// group and others may do with it: PostgreSQL's rule for its <c>ssl_key_file</c> (docs/adr/0031-key-file-ownership.md).
/// <list type="bullet">
/// <item>Owned by the user pk runs as: nothing for the group or others (0600 or stricter).</item>
/// <item>Owned by root while pk runs as another user (a key the system deploys for a service user, as Debian's <c>ssl-cert</c> group
/// shares its keys at 0640): the group may read it, nothing more; others nothing. Root chose that group, and root can read every
/// file anyway.</item>
/// <item>Owned by anyone else: refused, whatever its mode.</item>
/// </list>
/// Not checked where the owner cannot be asked (not Linux): there only the mode is, as for a file pk's user owns.
/// </summary>
public static class KeyFileAccess
{
    private const uint Root = 0;

    private const UnixFileMode AllowedToRootsGroup = UnixFileMode.GroupRead;

    /// <summary>The rule itself, for a file owned by <paramref name="owner"/> read by a process running as <paramref name="me"/>.</summary>
    /// <param name="owner">The file's owner, <c>null</c> when not known.</param>
    /// <param name="me">The effective user pk runs as, <c>null</c> when not known.</param>
    /// <param name="mode">The file's permission bits.</param>
    public static KeyFileProblem Judge(uint? owner, uint? me, UnixFileMode mode)
    {
        var rootsFileForAServiceUser = owner == Root && me is { } user && user != Root;
        if (owner is { } o && me is { } m && o != m && !rootsFileForAServiceUser)
        {
            return KeyFileProblem.AnotherOwner;
        }

        var forbidden = rootsFileForAServiceUser ? FileModes.GroupOrOther & ~AllowedToRootsGroup : FileModes.GroupOrOther;
        return (mode & forbidden) == 0 ? KeyFileProblem.None : KeyFileProblem.OpenToOthers;
    }

    /// <summary>
    /// <see cref="Judge"/> for the file at <paramref name="path"/> (a link followed), with its mode; <see cref="KeyFileProblem.None"/>
    /// on Windows, where files inherit the folder's ACL.
    /// </summary>
    /// <param name="path">The key file; it must exist.</param>
    /// <param name="mode">Its permission bits (0 on Windows).</param>
    /// <exception cref="IOException">It cannot be asked about.</exception>
    /// <exception cref="UnauthorizedAccessException">This user may not ask about it.</exception>
    public static KeyFileProblem Check(string path, out UnixFileMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            mode = 0;
            return KeyFileProblem.None;
        }

        mode = File.GetUnixFileMode(path);
        return Judge(FileKinds.Owner(path), FileKinds.EffectiveUser(), mode);
    }

    /// <summary>
    /// Whether the folder at <paramref name="path"/> (a link followed), which holds key files, belongs to a user pk should not take
    /// them from: neither the user pk runs as nor root. <c>false</c> where the owner cannot be asked (not Linux, no such folder).
    /// </summary>
    /// <param name="path">The folder.</param>
    public static bool FolderOwnedByAnother(string path) =>
        FileKinds.Owner(path) is { } owner && FileKinds.EffectiveUser() is { } me && owner != me && owner != Root;

    /// <summary>
    /// What makes the key file at <paramref name="path"/> acceptable, for refusals, the path quoted for the shell: <c>run 'chmod 640 PATH'</c>
    /// for root's key read by a service user (0600 would lock the service user out); for root's key shared through its group while pk runs
    /// as root, <c>chmod 600</c> would lock the group's other services out, so also how to keep the group; else <c>run 'chmod 600 PATH'</c>.
    /// </summary>
    /// <param name="path">The key file.</param>
    public static string Fix(string path)
    {
        var quoted = ShellWord.Quote(path);
        var rootsKey = FileKinds.Owner(path) == Root;
        var me = FileKinds.EffectiveUser();
        if (rootsKey && me is { } user && user != Root)
        {
            return $"run 'chmod 640 {quoted}'";
        }

        return rootsKey && me == Root && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.GroupRead) != 0
            ? $"run 'chmod 600 {quoted}', or, if other services read it through its group, run pk as a service user in that group, or give pk its own copy ('install -m 600 {quoted} COPY')"
            : $"run 'chmod 600 {quoted}'";
    }

    /// <summary>
    /// Whether a key root owns may be shared with a group for pk (<see cref="Judge"/>): only when pk does not run as root itself.
    /// </summary>
    public static bool RootMayShareWithPk => FileKinds.EffectiveUser() is { } me && me != Root;

    /// <summary>
    /// The key file at <paramref name="path"/> opened once for reading (a regular file, <see cref="RegularFile.OpenRead"/>), and
    /// <see cref="Judge"/> of the file that was opened: a check of the path before a separate open could be raced by swapping a link
    /// in between. <paramref name="stream"/> is the open file when the answer is <see cref="KeyFileProblem.None"/>, else <c>null</c>.
    /// </summary>
    /// <param name="path">The key file.</param>
    /// <param name="stream">The opened file, for the caller to read and dispose; <c>null</c> when refused.</param>
    /// <param name="mode">Its permission bits (0 where not told, Windows).</param>
    /// <exception cref="IOException">It is not a regular file, or cannot be opened (<see cref="FileNotFoundException"/> when missing).</exception>
    /// <exception cref="UnauthorizedAccessException">This user may not read it.</exception>
    public static KeyFileProblem OpenRead(string path, out FileStream? stream, out UnixFileMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (opened, owner, openedMode) = RegularFile.Open(path);
        KeyFileProblem problem;
        if (OperatingSystem.IsWindows())
        {
            mode = 0;
            problem = KeyFileProblem.None;
        }
        else if (openedMode is { } known)
        {
            mode = known;
            problem = Judge(owner, FileKinds.EffectiveUser(), mode);
        }
        else
        {
            problem = Check(path, out mode); // the open file's mode was not told: the path's, as before
        }

        if (problem == KeyFileProblem.None)
        {
            stream = opened;
            return problem;
        }

        opened.Dispose();
        stream = null;
        return problem;
    }

    /// <summary>The permission bits as <c>ls -l</c>'s octal, e.g. <c>0640</c>.</summary>
    public static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');

    /// <summary>What an operator may do with a key file, for refusals: the rule in one sentence.</summary>
    public const string Rule =
        "a key file must be the service user's own at 0600, or root's at 0640 for a group the service user is in";
}
