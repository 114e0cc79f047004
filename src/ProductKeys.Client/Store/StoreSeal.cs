using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ProductKeys.Core.Devices;

namespace ProductKeys.Client.Store;

/// <summary>
/// The MAC that makes <c>license.json</c> tamper-evident (docs/formats/license-store-v3.md, ADR 0019):
/// HMAC-SHA256 over the store's state written without its <c>mac</c> member, keyed with a key derived
/// from this machine's identity, the store's device ID and the product. It stops casual edits and stores
/// copied between machines — also stores with an operator's device ID, which v2 keyed with that ID
/// alone; it cannot stop someone who runs the same computation on the same device.
/// </summary>
internal static class StoreSeal
{
    /// <summary>The format version every store is written in.</summary>
    public const int Version = 3;

    private static readonly byte[] Label = "ProductKeys license-store v3 mac"u8.ToArray();
    private static readonly byte[] LabelV2 = "ProductKeys license-store v2 mac"u8.ToArray();

    /// <summary>
    /// The machine a store is bound to: its machine-id, the one stable component every user of the machine can read, or
    /// <c>none:</c> where it has none. The DMI product UUID and board serial are readable by root only: bound to them, a
    /// store written by root and read by its user (or read by root once, <c>sudo pk dli</c>) was <c>STORE_TAMPERED</c>
    /// for good. An operator's device ID never replaces it: that ID is an assertion for counting, not a machine.
    /// </summary>
    public static string MachineIdentity(IHardwareSource hardware) =>
        hardware.Read().MachineId is { Length: > 0 } machine ? "machine-id:" + machine : "none:";

    /// <summary>
    /// The identity a v3 store was bound to before <see cref="MachineIdentity"/> left out root-only components, when this
    /// process reads one and the machine has no machine-id: such a store verifies under it once and is sealed again.
    /// </summary>
    public static string? RootOnlyIdentity(IHardwareSource hardware)
    {
        var components = hardware.Read();
        return components.MachineId is { Length: > 0 } ? null
            : components.ProductUuid is { Length: > 0 } uuid ? "product-uuid:" + uuid
            : components.BoardSerial is { Length: > 0 } board ? "board-serial:" + board
            : null;
    }

    /// <summary>The v3 MAC key: HMAC-SHA256(label, machine LF deviceId LF product), an absent device ID or product empty.</summary>
    public static byte[] DeriveKey(string machine, string? deviceId, string? productId) =>
        HMACSHA256.HashData(Label, Encoding.UTF8.GetBytes(machine + "\n" + (deviceId ?? string.Empty) + "\n" + (productId ?? string.Empty)));

    /// <summary>
    /// The keys a v2 store may have been sealed with (read once for the upgrade): the device ID when the store had one,
    /// which bound such a store to nothing on the machine, else the machine identity, as either user may have computed it
    /// (<see cref="MachineIdentity"/>, <see cref="RootOnlyIdentity"/>).
    /// </summary>
    public static IEnumerable<byte[]> DeriveKeysV2(StoredLicense license, IHardwareSource hardware)
    {
        if (license.DeviceId is { } deviceId)
        {
            yield return DeriveKeyV2("device-id:" + deviceId, license.ProductId);
            yield break;
        }

        yield return DeriveKeyV2(MachineIdentity(hardware), license.ProductId);
        if (RootOnlyIdentity(hardware) is { } rootOnly)
        {
            yield return DeriveKeyV2(rootOnly, license.ProductId);
        }
    }

    /// <summary>The v2 MAC key: HMAC-SHA256(v2 label, identity LF product).</summary>
    public static byte[] DeriveKeyV2(string identity, string? productId) =>
        HMACSHA256.HashData(LabelV2, Encoding.UTF8.GetBytes(identity + "\n" + (productId ?? string.Empty)));

    /// <summary>The MAC (lower-case hex) of the state: the store serialized as it stands without its MAC.</summary>
    public static string Compute(StoredLicense license, byte[] key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, SignedBytes(license)));

    /// <summary>The license as written, the current version, with its MAC.</summary>
    public static StoredLicense Seal(StoredLicense license, byte[] key)
    {
        var unsealed = license with { FormatVersion = Version, Mac = null };
        return unsealed with { Mac = Compute(unsealed, key) };
    }

    /// <summary>True when the stored MAC is the one the state and key give (compared in fixed time).</summary>
    public static bool Verify(StoredLicense license, byte[] key)
    {
        if (license.Mac is not { Length: 64 } mac)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(mac);
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(key, SignedBytes(license));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>The bytes the MAC covers: the store's JSON (source-generated, fixed member order) without <c>mac</c>.</summary>
    internal static byte[] SignedBytes(StoredLicense license) =>
        JsonSerializer.SerializeToUtf8Bytes(license with { Mac = null }, LicenseStoreJsonContext.Default.StoredLicense);
}
