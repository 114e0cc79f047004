using System.Text.Json;
using ProductKeys.Core.Errors;
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
            return JsonSerializer.Deserialize<Credentials>(RegularFile.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>UNAUTHENTICATED</c> when the file at <paramref name="path"/> belongs to another user, or group or others may read or write it (pk writes it 0600): its
    /// token may have been copied, or the service it names changed to one that collects what admin commands send (offline
    /// requests with plaintext keys, new passwords). Refused rather than repaired, as a signing key file is (SigningKeyFile).
    /// </summary>
    public static Refusal? OpenToOthers(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        if (OwnedByAnother(path) is { } theirs)
        {
            return theirs;
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & FileModes.GroupOrOther) == 0
            ? null
            : new Refusal(ErrorCatalogue.Unauthenticated,
                $"{What} {Path.GetFullPath(path)} may be read or changed by other users (mode {Convert.ToString((int)mode, 8)}): its token may have been copied, "
                + "or the service it names replaced. Sign in again with 'pk login' (the file is written 0600 with a new token), then revoke the old session "
                + "('pk sessions list', 'pk sessions revoke ID').");
    }

    /// <summary>
    /// <c>UNAUTHENTICATED</c> when the file at <paramref name="path"/> belongs to another user (readable to root, or through a shared
    /// group): the service it names and its token are theirs to choose, and every admin command, new passwords and offline requests
    /// with plaintext keys included, would go to that service. <c>null</c> otherwise, and where the owner cannot be asked.
    /// </summary>
    public static Refusal? OwnedByAnother(string path) => RegularFile.OwnedByAnotherUser(path)
        ? new Refusal(ErrorCatalogue.Unauthenticated,
            $"{What} {Path.GetFullPath(path)} belongs to another user: the service it names and its token are theirs. "
            + "Name your own with --profile or $PK_CREDENTIALS, or sign in with 'pk login --service URL --user NAME'.")
        : null;

    /// <summary>
    /// <c>VALIDATION_FAILED</c> when <paramref name="path"/> is a FIFO, a device or a socket: reading a FIFO no one writes hung pk
    /// at the open, and another local user may have put one where --profile or $PK_CREDENTIALS points. <c>null</c> otherwise.
    /// </summary>
    public static Refusal? NotAFile(string path) => RegularFile.NotReadable(path) is { } why
        ? new Refusal(ErrorCatalogue.ValidationFailed, $"{What} {Path.GetFullPath(path)} is {why}: name the file 'pk login' wrote (--profile, $PK_CREDENTIALS).")
        : null;

    /// <summary>How refusals name the file, which --profile, $PK_CREDENTIALS or the default chose.</summary>
    public const string What = "The credentials file";

    /// <summary>
    /// Why <paramref name="path"/> cannot hold the credentials (a folder, a folder above it that cannot be made),
    /// or <c>null</c>. Its folder is made here, as <see cref="Save"/> would: the default one does not exist on a new machine.
    /// </summary>
    public static Refusal? Unwritable(string path)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        catch (Exception e) when (OutputFile.IsWriteFailure(e) || e is ArgumentException)
        {
            return OutputFile.Unwritable(path, What, e);
        }

        return OutputFile.Check(path, What);
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
