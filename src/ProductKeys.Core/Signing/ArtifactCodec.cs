using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using System.Text.Unicode;

namespace ProductKeys.Core.Signing;

/// <summary>
/// Signed artifact format v1 (docs/formats/signed-artifact-v1.md), written and read by hand: every
/// byte has one meaning and one place. Integers are big-endian. The reader is strict (reserved
/// bits, trailing bytes, invalid UTF-8, duplicate names are all refused) and never throws.
/// </summary>
internal static class ArtifactCodec
{
    internal const byte FormatVersion = 1;
    internal const string TextPrefix = "PKA1.";
    internal const int MaxBytes = 1 << 20;
    internal const int MaxPurposeBytes = 64;
    internal const int MaxBoundToBytes = 1024;
    internal const int MaxNameLength = 64;
    internal const int MaxFields = ushort.MaxValue;
    internal const byte HasExpires = 0b01;
    internal const byte HasBoundTo = 0b10;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly long MinSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    internal static ReadOnlySpan<byte> Magic => "PKA"u8;

    /// <summary>Writes the signed part (everything before the signature).</summary>
    /// <exception cref="ArgumentException">A name, value or size is outside what the format allows.</exception>
    internal static byte[] WriteBody(
        ArtifactPurpose purpose, ReadOnlySpan<byte> keyId, long issuedAt, long? expires, string? boundTo,
        IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var output = new ArrayBufferWriter<byte>(256);
        output.Write(Magic);
        WriteU8(output, FormatVersion);
        var purposeBytes = Encoding.ASCII.GetBytes(purpose.WireName());
        WriteU8(output, (byte)purposeBytes.Length);
        output.Write(purposeBytes);
        output.Write(keyId);
        WriteU8(output, (byte)((expires is null ? 0 : HasExpires) | (boundTo is null ? 0 : HasBoundTo)));
        WriteI64(output, issuedAt);
        if (expires is { } e)
        {
            WriteI64(output, e);
        }

        if (boundTo is not null)
        {
            var bound = StrictUtf8.GetBytes(boundTo);
            if (bound.Length is 0 or > MaxBoundToBytes)
            {
                throw new ArgumentException($"The binding must be 1 to {MaxBoundToBytes} UTF-8 bytes.", nameof(boundTo));
            }

            WriteU16(output, (ushort)bound.Length);
            output.Write(bound);
        }

        if (fields.Count > MaxFields)
        {
            throw new ArgumentException($"At most {MaxFields} fields.", nameof(fields));
        }

        WriteU16(output, (ushort)fields.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            if (!IsValidName(name) || !names.Add(name))
            {
                throw new ArgumentException(
                    $"Field name '{name}' is duplicated or invalid: use 1 to {MaxNameLength} of A-Z a-z 0-9 . _ -, each name once.",
                    nameof(fields));
            }

            ArgumentNullException.ThrowIfNull(value, nameof(fields));
            WriteU8(output, (byte)name.Length);
            output.Write(Encoding.ASCII.GetBytes(name));
            var valueBytes = StrictUtf8.GetBytes(value);
            WriteU32(output, (uint)valueBytes.Length);
            output.Write(valueBytes);
            if (output.WrittenCount + P256.SignatureSize > MaxBytes)
            {
                throw new ArgumentException($"A signed artifact is at most {MaxBytes} bytes.", nameof(fields));
            }
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads a whole artifact (signed part, then the 64-byte signature); checks no signature.</summary>
    /// <returns>The artifact, or <c>null</c> with <paramref name="problem"/> saying what is wrong.</returns>
    internal static SignedArtifact? TryRead(ReadOnlySpan<byte> bytes, out string problem)
    {
        if (bytes.Length > MaxBytes)
        {
            problem = $"it is longer than {MaxBytes} bytes";
            return null;
        }

        var reader = new Reader(bytes[..Math.Max(0, bytes.Length - P256.SignatureSize)]);
        if (bytes.Length < P256.SignatureSize || !reader.Bytes(Magic.Length, out var magic) || !magic.SequenceEqual(Magic))
        {
            problem = "it is not a signed artifact";
            return null;
        }

        if (!reader.U8(out var version))
        {
            problem = "it is truncated";
            return null;
        }

        if (version != FormatVersion)
        {
            problem = $"it uses format version {version}; this program reads version {FormatVersion}";
            return null;
        }

        problem = "it is truncated or damaged";
        if (!reader.U8(out var purposeLength) || purposeLength is 0 or > MaxPurposeBytes
            || !reader.Text(purposeLength, out var purposeName)
            || !ArtifactPurposeExtensions.TryParseWireName(purposeName, out var purpose))
        {
            problem = "its purpose is unknown";
            return null;
        }

        if (!reader.Bytes(TrustedKey.KeyIdSize, out var keyId)
            || !reader.U8(out var flags) || (flags & ~(HasExpires | HasBoundTo)) != 0
            || !reader.Seconds(out var issuedAt))
        {
            return null;
        }

        DateTimeOffset? expires = null;
        if ((flags & HasExpires) != 0)
        {
            if (!reader.Seconds(out var e) || e <= issuedAt)
            {
                return null;
            }

            expires = e;
        }

        string? boundTo = null;
        if ((flags & HasBoundTo) != 0)
        {
            if (!reader.U16(out var length) || length is 0 or > MaxBoundToBytes || !reader.Text(length, out boundTo))
            {
                return null;
            }
        }

        if (!reader.U16(out var count))
        {
            return null;
        }

        var fields = new KeyValuePair<string, string>[count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            if (!reader.U8(out var nameLength) || !reader.Text(nameLength, out var name)
                || !IsValidName(name) || !names.Add(name)
                || !reader.U32(out var valueLength) || !reader.Text(valueLength, out var value))
            {
                return null;
            }

            fields[i] = new(name, value);
        }

        if (!reader.AtEnd)
        {
            problem = "it has unexpected bytes before the signature";
            return null;
        }

        problem = "";
        return new SignedArtifact(bytes.ToArray(), purpose, Convert.ToHexStringLower(keyId), issuedAt, expires, boundTo, fields);
    }

    internal static string ToText(ReadOnlySpan<byte> bytes) => TextPrefix + Base64Url.EncodeToString(bytes);

    /// <summary>Decodes the text form: <c>PKA1.</c> then unpadded base64url, canonical, nothing else.</summary>
    internal static byte[]? TryDecodeText(string? text, out string problem)
    {
        var trimmed = text.AsSpan().Trim(" \t\r\n");
        if (!trimmed.StartsWith(TextPrefix, StringComparison.Ordinal))
        {
            problem = trimmed.IsEmpty ? "it is empty" : $"it does not start with {TextPrefix}";
            return null;
        }

        var payload = trimmed[TextPrefix.Length..];
        problem = "it is not valid unpadded base64url";
        if (payload.Length > (MaxBytes / 3 * 4) + 4 || payload.ContainsAnyExcept(Base64UrlAlphabet))
        {
            return null;
        }

        var bytes = new byte[Base64Url.GetMaxDecodedLength(payload.Length)];
        if (Base64Url.DecodeFromChars(payload, bytes, out _, out var written) != OperationStatus.Done)
        {
            return null;
        }

        bytes = bytes[..written];

        // Unused trailing bits must be zero: one artifact, one text.
        if (!payload.SequenceEqual(Base64Url.EncodeToString(bytes)))
        {
            return null;
        }

        problem = "";
        return bytes;
    }

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    internal static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && !name.AsSpan().ContainsAnyExcept(NameCharacters);

    private static readonly SearchValues<char> NameCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    private static void WriteU8(ArrayBufferWriter<byte> output, byte value) => output.Write([value]);

    private static void WriteU16(ArrayBufferWriter<byte> output, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), value);
        output.Advance(2);
    }

    private static void WriteU32(ArrayBufferWriter<byte> output, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteI64(ArrayBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    /// <summary>Reads forward through the signed part; every method fails instead of reading past the end.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly bool AtEnd => _rest.IsEmpty;

        public bool Bytes(long count, out ReadOnlySpan<byte> bytes)
        {
            if (count < 0 || count > _rest.Length)
            {
                bytes = default;
                return false;
            }

            bytes = _rest[..(int)count];
            _rest = _rest[(int)count..];
            return true;
        }

        public bool U8(out byte value)
        {
            var ok = Bytes(1, out var b);
            value = ok ? b[0] : (byte)0;
            return ok;
        }

        public bool U16(out ushort value)
        {
            var ok = Bytes(2, out var b);
            value = ok ? BinaryPrimitives.ReadUInt16BigEndian(b) : (ushort)0;
            return ok;
        }

        public bool U32(out uint value)
        {
            var ok = Bytes(4, out var b);
            value = ok ? BinaryPrimitives.ReadUInt32BigEndian(b) : 0;
            return ok;
        }

        public bool Seconds(out DateTimeOffset value)
        {
            var ok = Bytes(8, out var b);
            var seconds = ok ? BinaryPrimitives.ReadInt64BigEndian(b) : 0;
            ok = ok && seconds >= MinSeconds && seconds <= MaxSeconds;
            value = ok ? DateTimeOffset.FromUnixTimeSeconds(seconds) : default;
            return ok;
        }

        public bool Text(long length, out string value)
        {
            var ok = Bytes(length, out var b) && Utf8.IsValid(b);
            value = ok ? Encoding.UTF8.GetString(b) : "";
            return ok;
        }
    }
}
