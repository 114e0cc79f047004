using System.Security.Cryptography;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Core.Signing;
using ProductKeys.Hosting;

namespace ProductKeys.KmsHost.Data;

/// <summary>
/// The KMS host's data folder: its private key (<c>signing-key.pem</c>, 0600), its ID, the publisher
/// keys it trusts (<see cref="PinnedPublisherKeys"/>), its host certificate and the count database.
/// </summary>
public sealed class KmsHostFolder
{
    /// <summary>Opens (without creating anything) the folder at <paramref name="path"/>.</summary>
    public KmsHostFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>
    /// The folder at <paramref name="path"/> for a command that only reads it (<c>pk kms-host status|report</c>): it must
    /// exist and hold a KMS host (its ID or its count database); else <c>STORE_INVALID</c> naming the folder and what
    /// makes one. Creates nothing.
    /// </summary>
    public static Outcome<KmsHostFolder> Existing(string path)
    {
        const string MakeOne = "'pk kms-host activate --data DIR' or 'pk kms-host serve --data DIR' makes one";
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"--data needs the KMS host's data folder: {MakeOne}.");
        }

        var folder = new KmsHostFolder(path);
        if (!Directory.Exists(folder.Path))
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, File.Exists(folder.Path)
                ? $"{folder.Path} is a file, not a KMS host's data folder: give the folder the host serves ({MakeOne})."
                : $"{folder.Path} does not exist: give the folder the KMS host serves, or make it first ({MakeOne}).");
        }

        // A folder others may write into, or another user owns, is refused before anything in it is read, as serve refuses it.
        if (ServingFolder.Unshared(folder.Path) is { } shared)
        {
            return shared;
        }

        // What serve refuses, status and report refuse too, rather than show a host with no ID or no database (found by a hostile review).
        if (Directory.Exists(folder.DatabaseFile))
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{folder.DatabaseFile} is a folder, not the host's count database: restore kms.db from a backup.");
        }

        if (File.Exists(folder.HostIdFile) && folder.ReadHostId() is { IsSuccess: false } damaged)
        {
            return damaged.Refusal;
        }

        return File.Exists(folder.HostIdFile) || File.Exists(folder.DatabaseFile)
            ? folder
            : new Refusal(ErrorCatalogue.StoreInvalid,
                $"{folder.Path} holds no KMS host (no host-id, no kms.db): give the folder the host serves, or make one there first ({MakeOne}).");
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The host's ID file.</summary>
    public string HostIdFile => Combine(ServerIdFiles.KmsHost);

    /// <summary>
    /// The publisher keys the host trusts: pinned at its first activation, changed since only by signed key lists, which it also
    /// hands to its clients (ADR 0024).
    /// </summary>
    public PinnedPublisherKeys PublisherKeys => new(Path);

    /// <summary>The host certificate (text form).</summary>
    public string CertificateFile => Combine("host-certificate.txt");

    /// <summary>The SQLite database of clients, activations and counters.</summary>
    public string DatabaseFile => Combine("kms.db");

    /// <summary>The host's private key, created on first use with permissions 0600.</summary>
    public Outcome<SigningKey> LoadOrCreateKey() => SigningKeyFile.LoadOrCreate(Path);

    /// <summary>The host's ID, created on first use: <c>kmsh-</c> and 16 random hex digits.</summary>
    /// <summary>The ID in <see cref="HostIdFile"/>, which exists; <c>STORE_INVALID</c> when it is empty, too long or unreadable.</summary>
    public Outcome<string> ReadHostId()
    {
        try
        {
            var text = File.ReadAllText(HostIdFile).Trim();
            return text.Length is > 0 and <= 64
                ? text
                : new Refusal(ErrorCatalogue.StoreInvalid, $"{HostIdFile} is damaged: restore it from a backup (the host certificate names it).");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{HostIdFile} cannot be used: {e.Message}");
        }
    }

    public Outcome<string> LoadOrCreateHostId()
    {
        try
        {
            if (File.Exists(HostIdFile))
            {
                return ReadHostId();
            }

            PrivateFolder.Create(Path);
            var id = $"kmsh-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
            var temporary = $"{HostIdFile}.{Environment.ProcessId}.tmp";
            PrivateFile.WriteNew(temporary, id + "\n"); // 0600 whatever the umask, as every file of the folder
            try
            {
                File.Move(temporary, HostIdFile, overwrite: false);
            }
            catch (IOException) when (File.Exists(HostIdFile))
            {
                // Another process created it first; use theirs.
                File.Delete(temporary);
            }

            return File.ReadAllText(HostIdFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{HostIdFile} cannot be used: {e.Message}");
        }
    }

    private string Combine(string name) => System.IO.Path.Combine(Path, name);
}
