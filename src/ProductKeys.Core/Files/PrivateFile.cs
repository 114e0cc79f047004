namespace ProductKeys.Core.Files;

/// <summary>
/// A data folder's file only its owner may read or write (a server's ID, lock, log or database): on Unix a new one is made 0600
/// whatever the umask, and one that group or others may use (made 0644 by an earlier version) is tightened to 0600 before use.
/// </summary>
public static class PrivateFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> empty and owner-only when it is missing, else takes group's and others' access away.</summary>
    /// <exception cref="IOException">The file cannot be made or its mode changed.</exception>
    /// <exception cref="UnauthorizedAccessException">The file belongs to another user, or the folder cannot be written.</exception>
    public static void Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            try
            {
                new FileStream(path, options).Dispose();
            }
            catch (IOException) when (File.Exists(path))
            {
                // Made by another process meanwhile: tightened below like any existing file.
            }
        }

        Tighten(path);
    }

    /// <summary>Sets <paramref name="path"/> to 0600 when it exists and group or others have any access to it.</summary>
    /// <exception cref="UnauthorizedAccessException">The file belongs to another user, who alone may change its mode.</exception>
    public static void Tighten(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & FileModes.GroupOrOther) != 0)
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="path"/> made anew owner-only (<see cref="OutputFile.CreateOwnerOnly"/>):
    /// for a temporary file that is then renamed into place, so the file appears whole and 0600.
    /// </summary>
    public static void WriteNew(string path, string text)
    {
        using var stream = OutputFile.CreateOwnerOnly(path);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }
}
