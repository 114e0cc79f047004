using ProductKeys.Core.Files;
namespace ProductKeys.Data.Sqlite;

/// <summary>
/// The service's SQLite database holds password hashes, session token hashes and the audit log: on Unix it and its side files
/// are its owner's only (0600), whatever the umask and the folder's mode. SQLite makes a new database 0644 less the umask, and
/// makes its <c>-wal</c>, <c>-shm</c> and <c>-journal</c> with the database file's own mode: so the database file is made here,
/// owner-only, before SQLite opens it, and a file that others may read is tightened before it is used.
/// </summary>
public static class SqliteDatabaseFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The files SQLite keeps beside a database, by their suffix.</summary>
    public static readonly IReadOnlyList<string> SideFileSuffixes = ["-wal", "-shm", "-journal"];

    /// <summary>Creates <paramref name="path"/> empty and owner-only when it is missing (an empty file is an empty SQLite database), then <see cref="Tighten"/>s it.</summary>
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

    /// <summary>
    /// Sets the database at <paramref name="path"/> and its side files to 0600 where group or others have any access (an
    /// earlier version made them 0644); files that are missing are left missing.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">A file belongs to another user, who alone may change its mode.</exception>
    public static void Tighten(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var file in SideFileSuffixes.Prepend("").Select(suffix => path + suffix))
        {
            if (File.Exists(file) && (File.GetUnixFileMode(file) & FileModes.GroupOrOther) != 0)
            {
                File.SetUnixFileMode(file, OwnerOnly);
            }
        }
    }
}
