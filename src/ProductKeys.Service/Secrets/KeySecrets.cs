using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ProductKeys.Service.Secrets;

/// <summary>
/// The publisher's key-group secrets, all derived from one 32-byte master file:
/// secret(group) = HMAC-SHA256(master, "pk-group-secret-v1" || group as 4 bytes big-endian).
/// </summary>
public sealed class KeySecrets
{
    public const string MasterFileName = "key-groups.key";
    private const int MasterLength = 32;
    private readonly byte[] _master;
    private readonly ConcurrentDictionary<int, byte[]> _groups = new();

    private KeySecrets(byte[] master) => _master = master;

    /// <summary>Reads <c>key-groups.key</c> from <paramref name="secretsDirectory"/>, creating it (0600) when allowed and absent.</summary>
    public static KeySecrets LoadOrCreate(string secretsDirectory, bool create)
    {
        var path = Path.Combine(secretsDirectory, MasterFileName);
        if (!File.Exists(path))
        {
            if (!create)
            {
                throw new FileNotFoundException($"The publisher secret {path} does not exist: supply it with --secrets DIR, or start without --secrets to generate one.", path);
            }

            CreateMaster(secretsDirectory, path);
        }

        var master = File.ReadAllBytes(path);
        if (master.Length != MasterLength)
        {
            throw new InvalidDataException($"{path} must hold exactly {MasterLength} bytes; it holds {master.Length}.");
        }

        return new KeySecrets(master);
    }

    /// <summary>Only for tests: secrets from known bytes.</summary>
    internal static KeySecrets FromMaster(byte[] master) => new(master);

    public byte[] GroupSecret(int group) => _groups.GetOrAdd(group, g =>
    {
        Span<byte> message = stackalloc byte[22];
        "pk-group-secret-v1"u8.CopyTo(message);
        BinaryPrimitives.WriteInt32BigEndian(message[18..], g);
        return HMACSHA256.HashData(_master, message);
    });

    /// <summary>
    /// HMAC-SHA256(master, "pk-secrets-fingerprint-v1") as lower-case hex: tells two masters apart
    /// without revealing either (one-way, and under a purpose of its own, never a group secret).
    /// </summary>
    public string Fingerprint() => Convert.ToHexStringLower(HMACSHA256.HashData(_master, "pk-secrets-fingerprint-v1"u8));

    /// <summary>True when <c>key-groups.key</c> exists in <paramref name="secretsDirectory"/>.</summary>
    public static bool Exists(string secretsDirectory) => File.Exists(Path.Combine(secretsDirectory, MasterFileName));

    private static void CreateMaster(string directory, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        file.Write(RandomNumberGenerator.GetBytes(MasterLength));
    }
}
