namespace ProductKeys.Core.Files;

/// <summary>
/// A folder made for data only its owner may read (a service's database and audit log, a host's keys): a new one is 0700 on
/// Unix, whatever the umask; an existing folder keeps its mode (the operator chose it).
/// </summary>
public static class PrivateFolder
{
    /// <summary>Creates <paramref name="path"/> (and its parents) if it does not exist; the folder itself 0700 when new.</summary>
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows() || Directory.Exists(path))
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
