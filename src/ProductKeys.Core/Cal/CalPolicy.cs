namespace ProductKeys.Core.Cal;

/// <summary>The CAL server's timers and sizes, in one place (docs/product.md §5).</summary>
public static class CalPolicy
{
    /// <summary>A user's CAL stays theirs this long after their last use, then returns to the pool.</summary>
    public static readonly TimeSpan UserCalHeld = TimeSpan.FromDays(60);

    /// <summary>How long a device's temporary CAL (its first connection) is valid.</summary>
    public static readonly TimeSpan TemporaryDeviceCal = TimeSpan.FromDays(90);

    /// <summary>A permanent device CAL unused this long returns to the pool; a signed one expires then too.</summary>
    public static readonly TimeSpan PermanentDeviceCalIdle = TimeSpan.FromDays(89);

    /// <summary>
    /// The window over which permanent device CALs revoked by the operator are counted (<see cref="MaxRevocations"/>): as long
    /// as a revoked device's signed CAL may stay valid (<see cref="PermanentDeviceCalIdle"/>), so the revoked devices still
    /// holding one are never more than a fifth of those installed. A shorter window let a second fifth be revoked while the
    /// first fifth's CALs were still valid.
    /// </summary>
    public static readonly TimeSpan RevocationWindow = PermanentDeviceCalIdle;

    /// <summary>
    /// Permanent device CALs the operator may revoke within <see cref="RevocationWindow"/>: a fifth of those installed, at
    /// least one (public practice). A revoked device's signed CAL stays valid offline until it expires, so this bounds how
    /// far past the installed count devices can be served.
    /// </summary>
    public static long MaxRevocations(long installed) => Math.Max(1, installed / 5);

    /// <summary>
    /// A user name or device ID a CAL can be for: 1 to <see cref="MaxNameLength"/> characters, not only white space, no
    /// control or format characters (a zero-width space or a direction mark would make two names that print alike two names).
    /// </summary>
    public static bool IsName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && !string.IsNullOrWhiteSpace(name)
        && !name.Any(c => char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format);

    /// <summary>
    /// A device ID a CAL can be for: a name (<see cref="IsName"/>) of at most <see cref="MaxDeviceIdBytes"/> UTF-8 bytes, the most a
    /// device CAL's binding holds (docs/formats/signed-artifact-v1.md); a Windows computer name is far shorter.
    /// </summary>
    public static bool IsDeviceId(string? name) => IsName(name) && System.Text.Encoding.UTF8.GetByteCount(name!) <= MaxDeviceIdBytes;

    /// <summary>Longest device ID in UTF-8 bytes: what a signed artifact's <c>boundTo</c> holds.</summary>
    public const int MaxDeviceIdBytes = 1024;

    /// <summary>
    /// The one form the CAL server keeps a user or device under (docs/product.md §5): upper case by the invariant culture's simple
    /// mappings, as Windows compares account and computer names (its upcase table, no Unicode normalization). "Alice", "alice" and
    /// "ALICE", or "José" and "JOSÉ", are one user and hold one CAL.
    /// </summary>
    public static string CanonicalName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToUpperInvariant();
    }

    /// <summary>Whether two names are the same user or device (<see cref="CanonicalName"/>); a name that is not one matches only itself.</summary>
    public static bool SameName(string? a, string? b) =>
        IsName(a) && IsName(b) ? string.Equals(CanonicalName(a!), CanonicalName(b!), StringComparison.Ordinal) : string.Equals(a, b, StringComparison.Ordinal);

    /// <summary>The CAL server's default port (the KMS host's is 16880).</summary>
    public const int DefaultPort = 16881;

    /// <summary>Longest user name or device ID a CAL is asked for: an Active Directory user principal name may be 1,024 characters.</summary>
    public const int MaxNameLength = 1024;
}
