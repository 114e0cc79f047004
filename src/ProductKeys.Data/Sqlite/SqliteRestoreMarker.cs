using ProductKeys.Core.Errors;

namespace ProductKeys.Data.Sqlite;

/// <summary>
/// <c>productkeys.db.restoring</c>: the file <c>pk db restore</c> writes the backup into before it renames it over the database.
/// Found while no restore runs (the caller holds <see cref="SqliteServingLock"/>), it is what a restore cut short (killed, the
/// power lost) left, and the database beside it is not the backup: a node or a migration on it would serve the old database,
/// or an empty one in a new folder, and the operator would lose the restored data without a word.
/// </summary>
public static class SqliteRestoreMarker
{
    public const string Suffix = ".restoring";

    /// <summary>The restore's file for the database at <paramref name="databasePath"/>.</summary>
    public static string PathFor(string databasePath) => databasePath + Suffix;

    /// <summary>STORE_INVALID when a restore into <paramref name="databasePath"/> was cut short; <c>null</c> otherwise.</summary>
    public static Refusal? Check(string databasePath)
    {
        var left = PathFor(databasePath);
        return File.Exists(left)
            ? new Refusal(ErrorCatalogue.StoreInvalid,
                $"A pk db restore into {Path.GetDirectoryName(Path.GetFullPath(databasePath))} was cut short (killed, the power lost): {left} is left, and {Path.GetFileName(databasePath)} "
                + "is not the backup. Run the same pk db restore again (with --force if it replaced a database); to keep the database as it is instead, delete that file.")
            : null;
    }
}
