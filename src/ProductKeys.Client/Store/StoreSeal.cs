using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ProductKeys.Core.Devices;

namespace ProductKeys.Client.Store;

/// <summary>
/// The MAC that makes <c>license.json</c> tamper-evident (docs/formats/license-store-v2.md, ADR 0019):
/// HMAC-SHA256 over the store's state written without its <c>mac</c> member, keyed with a key derived
/// from the device identity and the product. It stops casual edits and stores copied between
/// machines; it cannot stop someone who runs the same computation on the same device.
/// </summary>
internal static class StoreSeal
{
    private static readonly byte[] Label = "ProductKeys license-store v2 mac"u8.ToArray();

    /// <summary>
    /// The device identity the key is derived from: the operator's device ID, else the most stable
    /// hardware component (machine-id, then product UUID, then board serial), so a changed disk or
    /// network adapter does not make a store look edited.
    /// </summary>
    public static string Identity(StoredLicense license, IHardwareSource hardware)
    {
        if (license.DeviceId is { } deviceId)
        {
            return "device-id:" + deviceId;
        }

        var components = hardware.Read();
        return components.MachineId is { Length: > 0 } machine ? "machine-id:" + machine
            : components.ProductUuid is { Length: > 0 } uuid ? "product-uuid:" + uuid
            : components.BoardSerial is { Length: > 0 } board ? "board-serial:" + board
            : "none:";
    }

    /// <summary>The MAC key: HMAC-SHA256(label, identity LF product).</summary>
    public static byte[] DeriveKey(string identity, string? productId) =>
        HMACSHA256.HashData(Label, Encoding.UTF8.GetBytes(identity + "\n" + (productId ?? string.Empty)));

    /// <summary>The MAC (lower-case hex) of the state: the store serialized as version 2 without its MAC.</summary>
    public static string Compute(StoredLicense license, byte[] key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, SignedBytes(license)));

    /// <summary>The license as written, version 2, with its MAC.</summary>
    public static StoredLicense Seal(StoredLicense license, byte[] key)
    {
        var unsealed = license with { FormatVersion = 2, Mac = null };
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
