using System.Security.Cryptography;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Core.Signing;
using ProductKeys.Hosting;

namespace ProductKeys.CalServer.Data;

/// <summary>
/// The CAL server's data folder: its private key (<c>signing-key.pem</c>, 0600), its ID, the
/// publisher keys it trusts (<see cref="PinnedPublisherKeys"/>), and the database of packs and CALs (<c>cal.db</c>). Back up the
/// whole folder: the pack certificates name this server's ID and key (docs/operations.md).
/// </summary>
public sealed class CalServerFolder
{
    /// <summary>Opens (without creating anything) the folder at <paramref name="path"/>.</summary>
    public CalServerFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>
    /// The folder at <paramref name="path"/> for a command that only reads it (<c>pk cal-server report</c>): it must exist, hold
    /// a CAL server's database (a pack was installed) and still have its key and ID; else <c>STORE_INVALID</c> naming the folder
    /// (or the lost file) and what to run first. Creates nothing.
    /// </summary>
    public static Outcome<CalServerFolder> Existing(string path)
    {
        const string MakeOne = "'pk cal-server install-pack --data DIR' makes one";
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"--data needs the CAL server's data folder: {MakeOne}.");
        }

        var folder = new CalServerFolder(path);
        if (!Directory.Exists(folder.Path))
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, File.Exists(folder.Path)
                ? $"{folder.Path} is a file, not a CAL server's data folder: give the folder the server serves ({MakeOne})."
                : $"{folder.Path} does not exist: give the folder the CAL server serves, or make it first ({MakeOne}).");
        }

        // A folder others may write into, or another user owns, is refused before anything in it is read, as serve refuses it.
        if (ServingFolder.Unshared(folder.Path) is { } shared)
        {
            return shared;
        }

        if (!File.Exists(folder.DatabaseFile))
        {
            // A server's ID or key without a database: an install made its offline request, or was refused; no pack yet.
            return File.Exists(folder.ServerIdFile) || File.Exists(folder.Combine(SigningKeyFile.PrivateKeyFileName))
                ? new Refusal(ErrorCatalogue.CalPackNotInstalled, $"No CAL pack is installed in {folder.Path} yet: install one with 'pk cal-server install-pack' (--key MAK --service URL, or --offline-response FILE for a request made offline).")
                : new Refusal(ErrorCatalogue.StoreInvalid,
                    $"{folder.Path} holds no CAL server (no cal.db): give the folder the server serves, or install a pack there first ({MakeOne}).");
        }

        return folder.MissingIdentityFile() is { } lost ? lost : folder;
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The server's ID file.</summary>
    public string ServerIdFile => Combine(ServerIdFiles.CalServer);

    /// <summary>The publisher keys the server trusts: pinned at the first pack installation, changed since only by signed key lists.</summary>
    public PinnedPublisherKeys PublisherKeys => new(Path);

    /// <summary>The SQLite database of packs and CALs.</summary>
    public string DatabaseFile => Combine("cal.db");

    /// <summary>Held by the server that serves the folder (<see cref="ProductKeys.Hosting.DataFolderLock"/>): one at a time.</summary>
    public string LockFile => Combine("cal.lock");

    /// <summary>
    /// A key or ID lost from a folder that already serves, or <c>null</c>. Made anew they would certify nothing the folder
    /// holds: the installed packs name the old key and ID, and a new key silently orphaned them. The folder serves once it has a
    /// database (packs) or an ID (sent in a request the publisher may have answered); a key without an ID is a first run cut short.
    /// </summary>
    public Refusal? MissingIdentityFile()
    {
        var keyFile = Combine(SigningKeyFile.PrivateKeyFileName);
        if (!File.Exists(keyFile) && (File.Exists(ServerIdFile) || File.Exists(DatabaseFile)))
        {
            return new Refusal(ErrorCatalogue.StoreInvalid,
                $"{keyFile} is missing: restore it from a backup of the data folder (the installed packs certify that key; a new one would serve none of them).");
        }

        return !File.Exists(ServerIdFile) && File.Exists(DatabaseFile)
            ? new Refusal(ErrorCatalogue.StoreInvalid, $"{ServerIdFile} is missing: restore it from a backup of the data folder (the installed packs name it).")
            : null;
    }

    /// <summary>The server's private key, created on first use with permissions 0600.</summary>
    public Outcome<SigningKey> LoadOrCreateKey() => SigningKeyFile.LoadOrCreate(Path);

    /// <summary>The server's ID, created on first use: <c>cals-</c> and 16 random hex digits.</summary>
    public Outcome<string> LoadOrCreateServerId()
    {
        try
        {
            if (File.Exists(ServerIdFile))
            {
                var text = File.ReadAllText(ServerIdFile).Trim();
                return text.Length is > 0 and <= 64
                    ? text
                    : new Refusal(ErrorCatalogue.StoreInvalid, $"{ServerIdFile} is damaged: restore it from a backup (the pack certificates name it).");
            }

            PrivateFolder.Create(Path);
            var id = $"cals-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
            var temporary = $"{ServerIdFile}.{Environment.ProcessId}.tmp";
            PrivateFile.WriteNew(temporary, id + "\n"); // 0600 whatever the umask, as every file of the folder
            try
            {
                File.Move(temporary, ServerIdFile, overwrite: false);
            }
            catch (IOException) when (File.Exists(ServerIdFile))
            {
                // Another process created it first; use theirs.
                File.Delete(temporary);
            }

            return File.ReadAllText(ServerIdFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{ServerIdFile} cannot be used: {e.Message}");
        }
    }

    private string Combine(string name) => System.IO.Path.Combine(Path, name);
}
