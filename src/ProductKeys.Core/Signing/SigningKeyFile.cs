using System.Security.Cryptography;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Core.Signing;

/// <summary>
/// Signing keys and trust files on disk (docs/product.md §8). A private key file is PEM PKCS#8 with Unix
/// permissions 0600; one that group or others may read or write is refused rather than repaired,
/// because it may already have been copied (the way OpenSSH treats private keys). Permissions
/// are not checked on Windows, where files inherit the folder's ACL.
/// </summary>
public static class SigningKeyFile
{
    /// <summary>The private key's file name inside a data folder.</summary>
    public const string PrivateKeyFileName = "signing-key.pem";

    /// <summary>The permissions of a private key file: read and write for the owner only (0600).</summary>
    public const UnixFileMode PrivateKeyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Loads <see cref="PrivateKeyFileName"/> from <paramref name="folder"/>, or generates a key and
    /// writes it there with permissions 0600 (creating the folder with 0700 when missing). When two
    /// processes race, both end up with the key that was written first.
    /// </summary>
    /// <returns>The key, or <c>STORE_INVALID</c> when the file cannot be used.</returns>
    public static Outcome<SigningKey> LoadOrCreate(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var path = Path.Combine(folder, PrivateKeyFileName);
        if (File.Exists(path))
        {
            return Load(path);
        }

        var temporary = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp";
        try
        {
            CreateFolder(folder);
            using var key = SigningKey.Generate();
            WritePrivate(temporary, key.ExportPem());
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created the key first; use theirs.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unusable(path, e.Message);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        return Load(path);
    }

    /// <summary>Loads a private key file (e.g. one supplied by the operator).</summary>
    /// <returns>The key, or <c>STORE_INVALID</c> when it is missing, unreadable, not a P-256 key, not 0600, or another user's.</returns>
    public static Outcome<SigningKey> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            // Opened once and judged as opened: a link swapped between a check of the path and a second open slipped through.
            switch (KeyFileAccess.OpenRead(path, out var stream, out var mode))
            {
                case KeyFileProblem.AnotherOwner:
                    return OpenToOthersRefusal(path,
                        $"it belongs to another user, who may have planted or read it; if it is yours, make it this user's own (chown, then chmod 600 {ShellWord.Quote(path)}), "
                        + "else create a new key and rotate");
                case KeyFileProblem.OpenToOthers:
                    return OpenToOthersRefusal(path,
                        $"it is accessible to other users (mode {KeyFileAccess.Octal(mode)}; {KeyFileAccess.Rule}); {KeyFileAccess.Fix(path)}, "
                        + "and if others may have copied it, create a new key and rotate");
            }

            using var reader = new StreamReader(stream!);
            return SigningKey.FromPem(reader.ReadToEnd());
        }
        catch (FileNotFoundException)
        {
            return Unusable(path, "it does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return Unusable(path, e.Message);
        }
    }

    /// <summary>Writes a private key file, permissions 0600 from the first byte; the file must not exist yet.</summary>
    /// <exception cref="IOException">The file exists or cannot be written.</exception>
    public static void Save(string path, SigningKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(key);
        WritePrivate(path, key.ExportPem());
    }

    /// <summary>Writes public keys as a PEM trust file (any permissions: public keys are not secret).</summary>
    public static void SavePublicKeys(string path, TrustedKeySet keys)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(keys);
        File.WriteAllText(path, keys.ToPem());
    }

    /// <summary>Loads a PEM trust file holding one or more <c>PUBLIC KEY</c> blocks.</summary>
    /// <returns>The keys, or <c>STORE_INVALID</c> when the file is missing, unreadable or holds anything else.</returns>
    public static Outcome<TrustedKeySet> LoadPublicKeys(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return TrustedKeySet.FromPem(RegularFile.ReadAllText(path));
        }
        catch (FileNotFoundException)
        {
            return Unusable(path, "it does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return Unusable(path, e.Message);
        }
    }

    // Only applies when the folder is new (0700, and each missing parent too); an existing data folder keeps its permissions.
    private static void CreateFolder(string folder) => PrivateFolder.Create(folder);

    private static void WritePrivate(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Created 0600 from the first byte, never briefly readable by others.
            options.UnixCreateMode = PrivateKeyMode;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(pem);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            // The umask can only remove bits; set the mode exactly so the owner can always read it.
            File.SetUnixFileMode(path, PrivateKeyMode);
        }
    }

    /// <summary>A key file open to others is not damaged: its hint says to fix its owner or mode, not to restore it.</summary>
    private static Refusal OpenToOthersRefusal(string path, string why) => OpenToOthers.Refusal($"The key file {path} cannot be used: {why}.");

    private static Refusal Unusable(string path, string why) =>
        new(ErrorCatalogue.StoreInvalid, $"The key file {path} cannot be used: {why}.");
}
