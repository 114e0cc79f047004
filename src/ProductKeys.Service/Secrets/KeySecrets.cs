using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using ProductKeys.Core.Keys;

namespace ProductKeys.Service.Secrets;

/// <summary>
/// The publisher's key-group secrets, derived from 32-byte master files, one per version (ADR 0001, 0024):
/// <c>key-groups.key</c> is version 1, <c>key-groups.v2.key</c> version 2, and so on.
/// secret(version, group) = HMAC-SHA256(master of that version, "pk-group-secret-v1" || group as 4 bytes big-endian).
/// New keys are issued under the newest version; each issued key row records its version, so keys
/// issued earlier keep verifying and showing through theirs. The public setup keys stay under version 1.
/// </summary>
public sealed class KeySecrets
{
    public const string MasterFileName = "key-groups.key";

    /// <summary>The version the public setup and KMS client setup keys are derived under, whatever rotated since.</summary>
    public const int SetupKeyVersion = 1;

    /// <summary>How a later version appears among the secrets fingerprint entries (<see cref="FingerprintEntries"/>).</summary>
    public const string VersionEntryPrefix = "key-groups.v";

    private const int MasterLength = 32;
    private readonly byte[][] _masters;
    private readonly ConcurrentDictionary<(int Version, int Group), byte[]> _groups = new();

    private KeySecrets(byte[][] masters) => _masters = masters;

    /// <summary>The newest version: new keys are issued under it.</summary>
    public int CurrentVersion => _masters.Length;

    /// <summary>
    /// Reads <c>key-groups.key</c> (creating it, 0600, when allowed and absent) and every later version in
    /// <paramref name="secretsDirectory"/>; versions run from 1 without a gap.
    /// </summary>
    public static KeySecrets LoadOrCreate(string secretsDirectory, bool create)
    {
        var path = Path.Combine(secretsDirectory, MasterFileName);
        if (!File.Exists(path))
        {
            if (!create)
            {
                throw new FileNotFoundException($"The publisher secret {path} does not exist: supply it with --secrets DIR, or start without --secrets to generate one.", path);
            }

            WriteMaster(secretsDirectory, path);
        }

        var masters = new List<byte[]> { ReadMaster(path) };
        for (var version = 2; File.Exists(VersionPath(secretsDirectory, version)); version++)
        {
            masters.Add(ReadMaster(VersionPath(secretsDirectory, version)));
        }

        var stray = Directory.GetFiles(secretsDirectory, "key-groups.v*.key").Except(Enumerable.Range(2, masters.Count - 1).Select(v => VersionPath(secretsDirectory, v))).FirstOrDefault();
        if (stray is not null)
        {
            throw new InvalidDataException($"{stray} does not follow version {masters.Count}: key-group secret versions run from 1 without a gap ('pk key-groups rotate' writes the next one).");
        }

        return new KeySecrets([.. masters]);
    }

    /// <summary>
    /// Writes the next version's master (32 random bytes, 0600): keys issued from then on (once the nodes restart
    /// with this folder) use it; keys issued earlier keep theirs.
    /// </summary>
    /// <returns>The new version.</returns>
    public static int Rotate(string secretsDirectory)
    {
        var current = LoadOrCreate(secretsDirectory, create: false).CurrentVersion;
        WriteMaster(secretsDirectory, VersionPath(secretsDirectory, current + 1));
        return current + 1;
    }

    /// <summary>Only for tests: secrets from known bytes (version 1 first).</summary>
    internal static KeySecrets FromMaster(params byte[][] masters) => new(masters);

    /// <summary>The secret of <paramref name="group"/> under <paramref name="version"/> (1 to <see cref="CurrentVersion"/>).</summary>
    public byte[] GroupSecret(int group, int version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(version, CurrentVersion);
        return _groups.GetOrAdd((version, group), k =>
        {
            Span<byte> message = stackalloc byte[22];
            "pk-group-secret-v1"u8.CopyTo(message);
            BinaryPrimitives.WriteInt32BigEndian(message[18..], k.Group);
            return HMACSHA256.HashData(_masters[k.Version - 1], message);
        });
    }

    /// <summary>The versions under which <paramref name="key"/>'s security value holds (almost always none or one).</summary>
    public IReadOnlyList<int> VersionsOf(ProductKey key)
    {
        var versions = new List<int>(1);
        for (var version = CurrentVersion; version >= 1; version--)
        {
            if (key.HasValidSecurityValue(GroupSecret(key.Group, version)))
            {
                versions.Add(version);
            }
        }

        return versions;
    }

    /// <summary>
    /// HMAC-SHA256(version 1's master, "pk-secrets-fingerprint-v1") as lower-case hex: tells two secrets folders apart
    /// without revealing either (one-way, and under a purpose of its own, never a group secret).
    /// </summary>
    public string Fingerprint() => Fingerprint(_masters[0]);

    /// <summary>
    /// HMAC-SHA256(version 1's master, "pk-portal-key-ring-v1"): the AES-256 key that encrypts the portal's Data
    /// Protection keys in the database (docs/adr/0022-portal.md). Every node holds it; the database does not.
    /// Version 1, like the fingerprint, so rotating key-group secrets leaves the ring readable.
    /// </summary>
    public byte[] PortalKeyRingKey() => HMACSHA256.HashData(_masters[0], "pk-portal-key-ring-v1"u8);

    /// <summary>One entry per version after the first: <c>key-groups.vN:</c> and the first 16 hex digits of its fingerprint.</summary>
    public IEnumerable<string> FingerprintEntries() =>
        Enumerable.Range(2, CurrentVersion - 1).Select(v => string.Create(CultureInfo.InvariantCulture, $"{VersionEntryPrefix}{v}:{Fingerprint(_masters[v - 1])[..16]}"));

    /// <summary>True when <c>key-groups.key</c> exists in <paramref name="secretsDirectory"/>.</summary>
    public static bool Exists(string secretsDirectory) => File.Exists(Path.Combine(secretsDirectory, MasterFileName));

    private static string Fingerprint(byte[] master) => Convert.ToHexStringLower(HMACSHA256.HashData(master, "pk-secrets-fingerprint-v1"u8));

    private static string VersionPath(string directory, int version) =>
        Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"key-groups.v{version}.key"));

    private static byte[] ReadMaster(string path)
    {
        var master = File.ReadAllBytes(path);
        return master.Length == MasterLength
            ? master
            : throw new InvalidDataException($"{path} must hold exactly {MasterLength} bytes; it holds {master.Length}.");
    }

    private static void WriteMaster(string directory, string path)
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
        file.Flush(flushToDisk: true);
    }
}
