namespace ProductKeys.Core.Files;

/// <summary>
/// A SQLite database holding secrets or counts (the service's password and token hashes and audit log, a KMS host's counts, a
/// CAL server's packs and CALs): on Unix it and its side files are its owner's only (0600), whatever the umask and the folder's
/// mode. SQLite makes a new database 0644 less the umask, and makes its <c>-wal</c>, <c>-shm</c> and <c>-journal</c> with the
/// database file's own mode: so the database file is made here, owner-only, before SQLite opens it, and a file that others may
/// read is tightened before it is used.
/// </summary>
public static class SqliteDatabaseFile
{
    /// <summary>The files SQLite keeps beside a database, by their suffix.</summary>
    public static readonly IReadOnlyList<string> SideFileSuffixes = ["-wal", "-shm", "-journal"];

    /// <summary>Creates <paramref name="path"/> empty and owner-only when it is missing (an empty file is an empty SQLite database), then <see cref="Tighten"/>s it.</summary>
    /// <exception cref="IOException">The file cannot be made or its mode changed.</exception>
    /// <exception cref="UnauthorizedAccessException">The file belongs to another user, or the folder cannot be written.</exception>
    public static void Create(string path)
    {
        PrivateFile.Create(path);
        Tighten(path);
    }

    /// <summary>
    /// <see cref="Create"/> for a server about to open its database (a KMS host's <c>kms.db</c>, a CAL server's <c>cal.db</c>):
    /// where the file cannot be made or tightened (a folder in its place, a folder it may not write), nothing is changed and
    /// SQLite's open right after names the problem, as it did before.
    /// </summary>
    public static void CreateBeforeOpen(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            return;
        }

        try
        {
            Create(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left to SQLite, whose open answers with the error its callers already turn into STORE_INVALID.
        }
    }

    /// <summary>
    /// Sets the database at <paramref name="path"/> and its side files to 0600 where group or others have any access (an
    /// earlier version made them 0644); files that are missing are left missing.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">A file belongs to another user, who alone may change its mode.</exception>
    public static void Tighten(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        foreach (var file in SideFileSuffixes.Prepend("").Select(suffix => path + suffix))
        {
            PrivateFile.Tighten(file);
        }
    }
}
