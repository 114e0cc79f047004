using System.Text.Json;
using System.Text.Json.Serialization;
using ProductKeys.Core.Errors;

namespace ProductKeys.Client.Store;

/// <summary>
/// A license store: one folder per product installation holding <c>license.json</c>. Writes are
/// atomic (temporary file, flush to disk, rename), so a crash leaves the old or the new file, never half.
/// </summary>
public sealed class LicenseStore
{
    private const string FileName = "license.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Opens (without reading) the store in <paramref name="directory"/>.</summary>
    public LicenseStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The store's folder.</summary>
    public string Directory { get; }

    /// <summary>The default store for a product on this machine.</summary>
    public static string DefaultDirectory(string productId)
    {
        var root = OperatingSystem.IsWindows()
            ? Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData)
            : Environment.GetEnvironmentVariable("PK_STORE_ROOT") ?? Path.Combine(
                Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "productkeys");
        return Path.Combine(root, "stores", productId);
    }

    /// <summary>True when the store holds a license file.</summary>
    public bool Exists => File.Exists(Path.Combine(Directory, FileName));

    /// <summary>Reads the license, an empty one when the store is new, or <c>STORE_INVALID</c> when damaged.</summary>
    public Outcome<StoredLicense> Load()
    {
        var path = Path.Combine(Directory, FileName);
        if (!File.Exists(path))
        {
            return new StoredLicense();
        }

        try
        {
            var license = JsonSerializer.Deserialize<StoredLicense>(File.ReadAllBytes(path), Json);
            if (license is null || license.FormatVersion != 1)
            {
                return new Refusal(ErrorCatalogue.StoreInvalid, $"{path} is not a version 1 license store.");
            }

            return license;
        }
        catch (JsonException e)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{path} is damaged ({e.Message}); uninstall the key ('pk upk') and install it again.");
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

    /// <summary>Writes the license atomically.</summary>
    public void Save(StoredLicense license)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, FileName);
        var temporary = Path.Combine(Directory, $".{FileName}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, license, Json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
