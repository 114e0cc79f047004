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

    /// <summary>The lock; <c>null</c> while another command holds it. A folder that does not exist needs none.</summary>
    public static SecretsChangeLock? TryTake(string secretsDirectory)
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
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }

    /// <summary>The refusal for a command that found the lock taken.</summary>
    public static Refusal Busy(string secretsDirectory) => new(ErrorCatalogue.Conflict,
        $"Another 'pk publisher-keys' or 'pk key-groups' command is changing {secretsDirectory}: run this one again once it has finished.");

    public void Dispose() => _held?.Dispose();
}
