namespace ProductKeys.Core.Files;

/// <summary>
/// A folder made for data only its owner may read (a service's database and audit log, a host's keys): a new one is 0700 on
/// Unix, whatever the umask, and so is each missing parent made for it; an existing folder keeps its mode (the operator chose it).
/// </summary>
public static class PrivateFolder
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> (and its parents) if it does not exist; each folder made 0700.</summary>
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows() || Directory.Exists(path))
        {
            Directory.CreateDirectory(path);
            return;
        }

        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only: parents were 0777 less the umask,
        // 0777 under umask 000. So every missing folder is made here, outermost first.
        var missing = new Stack<string>();
        for (var folder = Path.GetFullPath(path); !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
        {
            missing.Push(folder);
        }

        while (missing.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder, OwnerOnly);
        }
    }
}
