using ProductKeys.Core.Files;

namespace ProductKeys.Data.Sqlite;

/// <summary>
/// <c>productkeys.lock</c> beside a SQLite database: every <c>pk server</c> on the file holds a shared lock on
/// it for its whole life, and <c>pk db restore</c> an exclusive one while it writes. So a restore never rolls a
/// database back under a running node, and no node starts on a database half restored. The kernel drops the
/// locks when a process ends, however it ends (flock, through FileShare).
/// </summary>
public sealed class SqliteServingLock : IDisposable
{
    public const string FileName = "productkeys.lock";

    private readonly FileStream _held;

    private SqliteServingLock(FileStream held) => _held = held;

    /// <summary>The lock file of the database at <paramref name="databasePath"/>.</summary>
    public static string PathFor(string databasePath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, FileName);

    /// <summary>A node's shared hold; <c>null</c> while a restore holds the file (or another restore or migrate).</summary>
    /// <exception cref="IOException">The lock file cannot be created or opened.</exception>
    public static SqliteServingLock? TryServe(string databasePath) => TryHold(databasePath, FileShare.ReadWrite);

    /// <summary>A restore's (or <c>pk db migrate</c>'s) exclusive hold; <c>null</c> while any node (or another restore or migrate) holds the file.</summary>
    /// <exception cref="IOException">The lock file cannot be created or opened.</exception>
    public static SqliteServingLock? TryRestore(string databasePath) => TryHold(databasePath, FileShare.None);

    public void Dispose() => _held.Dispose();

    private static SqliteServingLock? TryHold(string databasePath, FileShare share)
    {
        var path = PathFor(databasePath);
        PrivateFolder.Create(Path.GetDirectoryName(path)!); // a restore into a new folder makes it here
        try
        {
            if (!File.Exists(path))
            {
                // Created apart from the hold: a file opened for reading only cannot be created.
                using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite))
                {
                }
            }

            // FileShare.None takes an exclusive flock, anything else a shared one; both without waiting.
            return new SqliteServingLock(new FileStream(path, FileMode.Open, share == FileShare.None ? FileAccess.ReadWrite : FileAccess.Read, share));
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }
}
