using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ProductKeys.Core.Devices;

/// <summary>Normalises component values and hashes them, salted with the product id.</summary>
internal static class ComponentHasher
{
    /// <summary>Domain tag at the start of every hashed message, so these hashes serve nothing else.</summary>
    private static ReadOnlySpan<byte> Domain => "PKHWID1\0"u8;

    /// <summary>Values firmware and drivers report when they have no real one; they identify nothing.</summary>
    private static readonly HashSet<string> Placeholders = new(StringComparer.Ordinal)
    {
        "0", "NONE", "N/A", "NA", "NULL", "UNKNOWN", "NOT SPECIFIED", "NOT APPLICABLE", "NOT AVAILABLE",
        "DEFAULT STRING", "TO BE FILLED BY O.E.M.", "SYSTEM SERIAL NUMBER", "0123456789",
        "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
        "03000200-0400-0500-0006-000700080009", "00:00:00:00:00:00", "FF:FF:FF:FF:FF:FF",
    };

    /// <summary>
    /// Trims, turns every run of white space into one space, drops control characters and upper-cases;
    /// <c>null</c> when nothing (or a placeholder) is left.
    /// </summary>
    internal static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var builder = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
            }
            else if (!char.IsControl(c))
            {
                if (pendingSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                pendingSpace = false;
                builder.Append(char.ToUpperInvariant(c));
            }
        }

        var normalized = builder.ToString();
        return normalized.Length == 0 || Placeholders.Contains(normalized) ? null : normalized;
    }

    /// <summary>
    /// The first 8 bytes, big-endian, of SHA-256 over: "PKHWID1\0" | kind (1 byte) |
    /// product id length in UTF-8 bytes (4 bytes, big-endian) | product id (UTF-8) | normalised value (UTF-8).
    /// </summary>
    internal static ulong Hash(HardwareComponentKind kind, string productId, string normalizedValue)
    {
        var productLength = Encoding.UTF8.GetByteCount(productId);
        var valueLength = Encoding.UTF8.GetByteCount(normalizedValue);
        var message = new byte[Domain.Length + 1 + 4 + productLength + valueLength];
        Domain.CopyTo(message);
        var at = Domain.Length;
        message[at++] = (byte)kind;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(at), productLength);
        at += 4;
        at += Encoding.UTF8.GetBytes(productId, message.AsSpan(at));
        Encoding.UTF8.GetBytes(normalizedValue, message.AsSpan(at));
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(message, digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }
}
