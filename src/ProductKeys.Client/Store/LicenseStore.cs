using System.Text.Json;
using ProductKeys.Core.Catalog;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Store;

/// <summary>
/// A license store: one folder per product installation holding <c>license.json</c>. Writes are
/// atomic (temporary file, flush to disk, rename), so a crash leaves the old or the new file, never half.
/// </summary>
public sealed class LicenseStore
{
    private const string FileName = "license.json";

    /// <summary>Opens (without reading) the store in <paramref name="directory"/>.</summary>
    public LicenseStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The store's folder.</summary>
    public string Directory { get; }

    /// <summary>The default store for a product on this machine.</summary>
    /// <exception cref="ArgumentException"><paramref name="productId"/> is not a product ID (<see cref="ProductIds.Rule"/>).</exception>
    /// <exception cref="InvalidOperationException">This user has no data folder (no home directory) and <c>PK_STORE_ROOT</c> is not set.</exception>
    public static string DefaultDirectory(string productId)
    {
        var folder = TryDefaultDirectory(productId);
        return folder.IsSuccess ? folder.Value
            : folder.Refusal.Error == ErrorCatalogue.ValidationFailed ? throw new ArgumentException(folder.Refusal.Detail, nameof(productId))
            : throw new InvalidOperationException(folder.Refusal.Detail);
    }

    /// <summary>
    /// The default store for a product: <c>PK_STORE_ROOT/stores/PRODUCT</c>, else the user's data folder
    /// (<c>$XDG_DATA_HOME</c> or <c>~/.local/share</c>, whether it exists yet or not)<c>/productkeys/stores/PRODUCT</c>;
    /// on Windows <c>%ProgramData%\stores\PRODUCT</c>. Always an absolute path inside that folder.
    /// </summary>
    /// <param name="productId">The product ID.</param>
    /// <returns>The folder; <c>VALIDATION_FAILED</c> for an ID that is not a product ID, <c>STORE_INVALID</c> when there is no data folder to put it in.</returns>
    public static Outcome<string> TryDefaultDirectory(string? productId)
    {
        if (!ProductIds.IsValid(productId))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"'{Shown(productId)}' is not a product ID: {ProductIds.Rule}.");
        }

        string root;
        if (OperatingSystem.IsWindows())
        {
            root = Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData);
        }
        else if (Environment.GetEnvironmentVariable("PK_STORE_ROOT") is { Length: > 0 } set)
        {
            root = set;
        }
        else
        {
            // DoNotVerify: the folder may not exist yet (a fresh account, a container); without it .NET
            // answers "", and the store became a folder relative to wherever the command ran.
            var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            root = Path.IsPathFullyQualified(data) ? Path.Combine(data, "productkeys") : "";
        }

        return Path.IsPathFullyQualified(root)
            ? Path.Combine(root, "stores", productId!)
            : new Refusal(ErrorCatalogue.StoreInvalid,
                "There is no absolute folder to keep the license store in (no home directory, or PK_STORE_ROOT is relative): give --store DIR or set PK_STORE_ROOT to an absolute path.");
    }

    private static string Shown(string? text) =>
        text is null ? "" : text.Length > 64 ? text[..64] + "…" : text;

    /// <summary>True when the store holds a license file.</summary>
    public bool Exists => File.Exists(Path.Combine(Directory, FileName));

    /// <summary>Reads the license, an empty one when the store is new, or <c>STORE_INVALID</c> when damaged.</summary>
    public Outcome<StoredLicense> Load()
    {
        var path = Path.Combine(Directory, FileName);
        if (NotAFolder() is { } refusal)
        {
            return refusal;
        }

        if (!File.Exists(path))
        {
            return new StoredLicense();
        }

        try
        {
            return Parse(File.ReadAllBytes(path), path);
        }
        catch (IOException e)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{path} cannot be read: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{path} cannot be read: {e.Message}");
        }
    }

    /// <summary>
    /// Moves a license file that cannot be read as a store (cut short, hand-edited, not a store at all) aside, as
    /// <c>license.json.damaged-YYYYMMDDTHHMMSSZ</c> beside it, so that the store starts empty: what uninstalling a key
    /// does to a damaged store. Take <see cref="Lock"/> first. A file that reads, or that cannot be read at all, stays.
    /// </summary>
    /// <param name="now">The time in the set-aside file's name.</param>
    /// <param name="keepNewerFormat">Leave a store a newer version wrote where it is (a product's implicit repair in
    /// <c>InstallKey</c>, which must not move an activation aside); <c>pk upk</c>, asked to uninstall, moves it too.</param>
    /// <returns>Where the damaged file went; <c>null</c> when nothing was moved.</returns>
    public string? SetAsideIfDamaged(DateTimeOffset now, bool keepNewerFormat = false)
    {
        var path = Path.Combine(Directory, FileName);
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            var bytes = File.ReadAllBytes(path);
            if (Parse(bytes, path).IsSuccess || (keepNewerFormat && NewerFormat(bytes) is not null))
            {
                return null;
            }

            var aside = $"{path}.damaged-{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}";
            File.Move(path, aside, overwrite: true);
            return aside;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // Load says why
        }
    }

    /// <summary>The format version of a store a newer version wrote, or <c>null</c>.</summary>
    private static int? NewerFormat(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, LicenseStoreJsonContext.Default.StoredLicense)?.FormatVersion is > StoreSeal.Version and var newer
                ? newer
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Outcome<StoredLicense> Parse(byte[] bytes, string path)
    {
        StoredLicense? license;
        try
        {
            license = JsonSerializer.Deserialize(bytes, LicenseStoreJsonContext.Default.StoredLicense);
        }
        catch (JsonException e)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{path} is damaged ({e.Message}); uninstall the key ('pk upk', which sets the file aside) and install it again.");
        }

        if (license?.FormatVersion > StoreSeal.Version)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid,
                $"{path} was written by a newer version of ProductKeys (store format {license.FormatVersion}): use that version; uninstalling the key ('pk upk') sets the file aside and starts over.");
        }

        if (license is null || license.FormatVersion is not (1 or 2 or StoreSeal.Version))
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{path} is not a version 1, 2 or 3 license store; uninstall the key ('pk upk', which sets the file aside) and install it again.");
        }

        // Hand-edited files: a null list becomes empty; a trusted key that is not a key is damage.
        license = license with { TrustedKeys = license.TrustedKeys ?? [] };
        foreach (var pem in license.TrustedKeys)
        {
            if (!TrustedKey.TryFromPem(pem, out _, out _))
            {
                return new Refusal(ErrorCatalogue.StoreInvalid, $"{path} holds a trusted key that is not a public key: install the publisher's keys again with --trust FILE.");
            }
        }

        return license;
    }

    /// <summary>
    /// Writes the license atomically; <c>STORE_INVALID</c> when the folder cannot be written. Called under the store's
    /// <see cref="Lock"/>, so no other save is in flight: a temporary file a process killed mid-save left behind, which
    /// holds the product key, is removed first (found by a hostile review: kill -9 during saves left them for good).
    /// </summary>
    public Refusal? Save(StoredLicense license)
    {
        var path = Path.Combine(Directory, FileName);
        var temporary = Path.Combine(Directory, $".{FileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            RemoveStaleTemporaries();
            // 0600 from the first byte, like the credentials file: the store holds the product key.
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, license, LicenseStoreJsonContext.Default.StoredLicense);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }

            return new Refusal(ErrorCatalogue.StoreInvalid, $"{path} cannot be written: {e.Message}");
        }
    }

    /// <summary>Best effort: one that cannot be removed (another user's, in a shared folder) must not stop this save.</summary>
    private void RemoveStaleTemporaries()
    {
        foreach (var stale in System.IO.Directory.EnumerateFiles(Directory, $".{FileName}.*.tmp"))
        {
            try
            {
                File.Delete(stale);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>
    /// Takes the store's lock (an exclusively opened <c>license.lock</c>) for a load-change-save, waiting
    /// up to 10 seconds for another process; <c>null</c> when it cannot be had (busy or read-only folder).
    /// Only another holder is waited for: a folder that cannot be made (a file in its place) answers at once.
    /// </summary>
    public IDisposable? Lock()
    {
        var taken = TakeLock();
        return taken.IsSuccess ? taken.Value : null;
    }

    /// <summary>How long <see cref="TakeLock"/> waits for another holder (tests shorten it).</summary>
    internal TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <see cref="Lock"/>, saying why it cannot be had: <c>STORE_BUSY</c> when another process or thread held it for all of
    /// <see cref="LockWait"/>, <c>STORE_INVALID</c> when the folder or its lock file cannot be made or opened.
    /// </summary>
    internal Outcome<IDisposable> TakeLock()
    {
        var path = Path.Combine(Directory, "license.lock");
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{Directory} cannot be made: {e.Message}");
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new Outcome<IDisposable>(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (UnauthorizedAccessException e)
            {
                return new Refusal(ErrorCatalogue.StoreInvalid, $"{path} cannot be opened for writing ({e.Message}): check the folder's permissions, or run as the user who owns the store.");
            }
            catch (IOException) when (File.Exists(path))
            {
                // held by another process or thread
                var left = LockWait - waited.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    return new Refusal(ErrorCatalogue.StoreBusy,
                        $"{Directory} stayed locked ({path}) by another process or thread for {LockWait.TotalSeconds:0.#} s: nothing was changed; retry.");
                }

                Thread.Sleep(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50));
            }
            catch (IOException e)
            {
                return new Refusal(ErrorCatalogue.StoreInvalid, $"{path} cannot be opened ({e.Message}): it must be a file in the store's folder."); // a folder, or the folder went away
            }
        }
    }

    /// <summary><c>STORE_INVALID</c> when the store's path is a file (or under one), not a folder.</summary>
    internal Refusal? NotAFolder()
    {
        for (var path = Directory; !string.IsNullOrEmpty(path); path = Path.GetDirectoryName(path))
        {
            if (File.Exists(path))
            {
                return new Refusal(ErrorCatalogue.StoreInvalid, $"{Directory} is not a folder: {path} is a file. Give --store a folder (it is made when missing).");
            }

            if (System.IO.Directory.Exists(path))
            {
                return null;
            }
        }

        return null;
    }
}
