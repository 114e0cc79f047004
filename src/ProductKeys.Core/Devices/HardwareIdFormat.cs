using System.Buffers.Binary;
using System.Buffers.Text;
using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Devices;

/// <summary>
/// The v1 binary and text layout (docs/formats/hardware-id-v1.md): <c>hw1.</c> + unpadded base64url of
/// version (1) | per kind, kinds ascending: tag (1) | count (1) | count × 8-byte hash, hashes ascending.
/// The layout is canonical, so equal IDs have equal text.
/// </summary>
internal static class HardwareIdFormat
{
    internal const string Prefix = "hw1.";
    internal const byte Version = 1;
    internal const int MaxHashesPerKind = 16;
    internal const int MaxTextLength = 1024;
    private const int HashSize = 8;

    internal static string Encode(ReadOnlySpan<ComponentHash> sorted)
    {
        var bytes = new List<byte>(1 + (sorted.Length * (2 + HashSize))) { Version };
        Span<byte> hash = stackalloc byte[HashSize];
        for (var i = 0; i < sorted.Length;)
        {
            var kind = sorted[i].Kind;
            var end = i;
            while (end < sorted.Length && sorted[end].Kind == kind)
            {
                end++;
            }

            bytes.Add((byte)kind);
            bytes.Add((byte)(end - i));
            for (; i < end; i++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(hash, sorted[i].Hash);
                bytes.AddRange(hash);
            }
        }

        return Prefix + Base64Url.EncodeToString([.. bytes]);
    }

    internal static Outcome<ComponentHash[]> Decode(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Invalid("it is empty");
        }

        if (text.Length > MaxTextLength)
        {
            return Invalid($"it is longer than {MaxTextLength} characters");
        }

        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return text is ['h', 'w', >= '0' and <= '9', ..]
                ? Invalid($"it uses another format version than {Prefix[..^1]}; update this program")
                : Invalid($"it does not start with '{Prefix}'");
        }

        var body = text.AsSpan(Prefix.Length);
        if (!Base64Url.IsValid(body, out var length))
        {
            return Invalid("it is not base64url after the prefix");
        }

        var bytes = new byte[length];
        if (!Base64Url.TryDecodeFromChars(body, bytes, out var written) || written != length
            || !body.SequenceEqual(Base64Url.EncodeToString(bytes)))
        {
            // Padding, white space or stray low bits would give one ID several texts.
            return Invalid("it is not canonical base64url");
        }

        return Read(bytes);
    }

    private static Outcome<ComponentHash[]> Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || bytes[0] != Version)
        {
            return Invalid($"its layout version is not {Version}");
        }

        var components = new List<ComponentHash>();
        var at = 1;
        var previousKind = 0;
        while (at < bytes.Length)
        {
            if (at + 2 > bytes.Length)
            {
                return Invalid("it is truncated");
            }

            var tag = bytes[at];
            int count = bytes[at + 1];
            at += 2;
            if (!Enum.IsDefined((HardwareComponentKind)tag))
            {
                return Invalid($"component tag {tag} is unknown");
            }

            var kind = (HardwareComponentKind)tag;
            if (tag <= previousKind)
            {
                return Invalid("its components are not in ascending order");
            }

            var maxCount = kind is HardwareComponentKind.Disk or HardwareComponentKind.NetworkAdapter ? MaxHashesPerKind : 1;
            if (count < 1 || count > maxCount)
            {
                return Invalid($"component {kind} has {count} hashes (1 to {maxCount} allowed)");
            }

            if (at + (count * HashSize) > bytes.Length)
            {
                return Invalid("it is truncated");
            }

            ulong? previousHash = null;
            for (var i = 0; i < count; i++, at += HashSize)
            {
                var hash = BinaryPrimitives.ReadUInt64BigEndian(bytes[at..]);
                if (hash <= previousHash)
                {
                    return Invalid($"the hashes of component {kind} are not in strictly ascending order");
                }

                previousHash = hash;
                components.Add(new ComponentHash(kind, hash));
            }

            previousKind = tag;
        }

        if (components.Count == 0)
        {
            return Invalid("it has no components");
        }

        if (components.Count > 1 && components.Exists(c => c.Kind == HardwareComponentKind.DeviceId))
        {
            return Invalid("a device ID cannot be combined with hardware components");
        }

        return components.ToArray();
    }

    private static Refusal Invalid(string reason) =>
        new(ErrorCatalogue.ValidationFailed, $"That is not a valid hardware ID: {reason}.");
}
