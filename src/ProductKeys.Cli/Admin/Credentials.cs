using System.Text.Json;
using ProductKeys.Core.Files;

namespace ProductKeys.Cli.Admin;

/// <summary>
/// What <c>pk login</c> remembers: the service URL and a bearer token, in a 0600 file at
/// --profile FILE, $PK_CREDENTIALS, or ~/.config/productkeys/credentials.json; and how to trust the
/// service's TLS certificate when 'pk login' was given --pin-sha256 or --ca.
/// </summary>
internal sealed record Credentials(string Service, string Token, string User, IReadOnlyList<string>? TlsPins = null, string? TlsCertificateAuthorities = null)
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
        using var file = OutputFile.CreateOwnerOnly(path);
        JsonSerializer.Serialize(file, this, Json);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
