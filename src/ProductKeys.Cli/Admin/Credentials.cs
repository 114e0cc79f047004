using System.Text.Json;

namespace ProductKeys.Cli.Admin;

/// <summary>
/// What <c>pk login</c> remembers: the service URL and a bearer token, in a 0600 file at
/// --profile FILE, $PK_CREDENTIALS, or ~/.config/productkeys/credentials.json.
/// </summary>
internal sealed record Credentials(string Service, string Token, string User)
{
    public static string DefaultPath(string? profile) =>
        profile is { Length: > 0 } ? profile
        : Environment.GetEnvironmentVariable("PK_CREDENTIALS") is { Length: > 0 } env ? env
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "productkeys", "credentials.json");

    public static Credentials? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Credentials>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        JsonSerializer.Serialize(file, this, Json);
        if (!OperatingSystem.IsWindows())
        {
            // An existing file keeps its old mode on Create: tighten it.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
