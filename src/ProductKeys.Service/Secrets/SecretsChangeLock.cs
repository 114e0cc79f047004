using ProductKeys.Core.Errors;

namespace ProductKeys.Service.Secrets;

/// <summary>
/// <c>.pk-change.lock</c> in a secrets folder, held exclusively by a command that changes the folder
/// (<c>pk publisher-keys rotate|withdraw</c>, <c>pk key-groups rotate</c>) from before it reads the folder until
/// it has written it. Two such commands at once would each read the same state and write over each other:
/// two "current" keys, two key lists of one sequence. The second is refused instead. The kernel drops the lock
/// when a process ends, however it ends (flock, through FileShare.None).
/// </summary>
public sealed class SecretsChangeLock : IDisposable
{
    public const string FileName = ".pk-change.lock";

    private readonly FileStream? _held;

    private SecretsChangeLock(FileStream? held) => _held = held;

    /// <summary>
    /// The lock; or <c>CONFLICT</c> while another command holds it, or <c>STORE_INVALID</c> when the folder cannot be
    /// changed at all (read-only, the lock file not a file). A folder that does not exist needs none.
    /// </summary>
    public static Outcome<SecretsChangeLock> Take(string secretsDirectory)
    {
        if (!Directory.Exists(secretsDirectory))
        {
            return new SecretsChangeLock(null);
        }

        var path = Path.Combine(secretsDirectory, FileName);
        try
        {
            return new SecretsChangeLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException) when (File.Exists(path) && IsHeld(path))
        {
            return new Refusal(ErrorCatalogue.Conflict,
                $"Another 'pk publisher-keys' or 'pk key-groups' command is changing {secretsDirectory}: run this one again once it has finished.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"The secrets folder {secretsDirectory} cannot be changed: {e.Message}");
        }
    }

    public void Dispose() => _held?.Dispose();

    /// <summary>Whether another open file holds the lock (the file can be opened, but not locked).</summary>
    private static bool IsHeld(string path)
    {
        try
        {
            using (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
            }

            return false;
        }
        catch (IOException)
        {
            // A shared hold is refused only while an exclusive one is held elsewhere.
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
