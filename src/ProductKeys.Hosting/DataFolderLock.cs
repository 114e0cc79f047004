using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Hosting;

/// <summary>
/// One server per data folder: a KMS host holds <c>kms.lock</c>, a CAL server <c>cal.lock</c>, for its whole life, and a
/// second server on the folder is refused with <c>CONFLICT</c>. The lock is the kernel's (flock, through
/// <see cref="FileShare.None"/>), dropped when the process ends however it ends, so a server killed with kill -9 leaves
/// nothing to clean up.
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    private readonly FileStream _held;

    private DataFolderLock(FileStream held) => _held = held;

    /// <summary>Takes the lock file <paramref name="lockFile"/> (created with its folder when missing), without waiting.</summary>
    /// <param name="lockFile">The lock file, in the data folder.</param>
    /// <param name="server">Who serves the folder, for the message: <c>KMS host</c>, <c>CAL server</c>.</param>
    /// <returns>The held lock; <c>CONFLICT</c> naming the folder while another process holds it.</returns>
    public static Outcome<DataFolderLock> Take(string lockFile, string server)
    {
        var path = Path.GetFullPath(lockFile);
        var folder = Path.GetDirectoryName(path)!;
        try
        {
            PrivateFolder.Create(folder);
            PrivateFile.Create(path); // 0600 whatever the umask, as every file of the folder
            // FileShare.None: an exclusive flock on the file, taken without waiting.
            return new DataFolderLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (File.Exists(path))
        {
            return new Refusal(ErrorCatalogue.Conflict,
                $"Another {server} is serving {folder} (it holds {Path.GetFileName(path)}: {e.Message}). Stop it first, or give this one another --data folder.");
        }
    }

    /// <summary>
    /// Whether a server holds <paramref name="lockFile"/> now. Probed with a shared lock, held for no longer than the probe.
    /// </summary>
    public static bool IsHeld(string lockFile)
    {
        if (!File.Exists(lockFile))
        {
            return false;
        }

        try
        {
            using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours to open (another user's server): do not claim it stopped.
            return true;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _held.Dispose();
}
