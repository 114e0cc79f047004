using System.Buffers.Binary;
using System.Security.Cryptography;
using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Keys;

/// <summary>
/// A product key, format v1 (docs/product.md §7, docs/formats/product-key-v1.md): 25 base-24 symbols
/// holding 114 bits = version (2) | type (2) | group (20) | serial (30) | security value (50) | check (10).
/// The check bits make the whole value divisible by <see cref="CheckPrime"/>.
/// </summary>
/// <param name="Type">The key type.</param>
/// <param name="Group">The key group (a product or product family), 20 bits.</param>
/// <param name="Serial">The serial within the group, 30 bits.</param>
/// <param name="SecurityValue">The first 50 bits of HMAC-SHA256 of the header under the group's secret.</param>
public readonly record struct ProductKey(KeyType Type, int Group, int Serial, ulong SecurityValue)
{
    /// <summary>The only format version this code reads and writes.</summary>
    public const int FormatVersion = 1;

    /// <summary>Largest key group (20 bits).</summary>
    public const int MaxGroup = (1 << 20) - 1;

    /// <summary>Largest serial (30 bits).</summary>
    public const int MaxSerial = (1 << 30) - 1;

    /// <summary>
    /// The prime the whole 114-bit value is divisible by. 1021 &gt; 24 and prime, so it divides no
    /// d·24^i or d·23·24^i with 0 &lt; |d| ≤ 23: every single substitution and adjacent transposition is caught.
    /// </summary>
    public const int CheckPrime = 1021;

    /// <summary>Number of symbols in a key, without separators.</summary>
    public const int SymbolCount = 25;

    internal const int SecurityBits = 50;
    internal const ulong SecurityMask = (1UL << SecurityBits) - 1;
    private const int ValueBits = 114;
    private static readonly UInt128 ValueLimit = UInt128.One << ValueBits;

    /// <summary>The bytes fed to HMAC-SHA256: an 8-byte domain tag, then the 54-bit header big-endian.</summary>
    private static ReadOnlySpan<byte> MacDomain => "PKKEYv1\0"u8;

    /// <summary>The 10 check bits this key carries.</summary>
    public int Checksum => (int)(ToValue() & 0x3FF);

    /// <summary>The last five characters, the only part logs and listings show.</summary>
    public string PartialKey => ToString()[^5..];

    /// <summary>Derives the key for (type, group, serial) under the group's secret.</summary>
    public static ProductKey Derive(KeyType type, int group, int serial, ReadOnlySpan<byte> groupSecret)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(group);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(group, MaxGroup);
        ArgumentOutOfRangeException.ThrowIfNegative(serial);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serial, MaxSerial);
        return new ProductKey(type, group, serial, ComputeSecurityValue(type, group, serial, groupSecret));
    }

    /// <summary>
    /// True when the security value matches the group's secret: only the publisher, who holds the
    /// secret, can tell a real key from a forgery. Compared in constant time.
    /// </summary>
    public bool HasValidSecurityValue(ReadOnlySpan<byte> groupSecret)
    {
        Span<byte> expected = stackalloc byte[8];
        Span<byte> actual = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(expected, ComputeSecurityValue(Type, Group, Serial, groupSecret));
        BinaryPrimitives.WriteUInt64BigEndian(actual, SecurityValue);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>Parses a key typed by a person: case-insensitive, spaces and hyphens ignored.</summary>
    /// <returns>The key, or <c>KEY_MALFORMED</c> (with the offending position) or <c>KEY_CHECKSUM</c>.</returns>
    public static Outcome<ProductKey> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new Refusal(ErrorCatalogue.KeyMalformed, "The key is empty: type its 25 characters.");
        }

        UInt128 value = 0;
        var symbols = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is ' ' or '-')
            {
                continue;
            }

            if (c is '\n' or '\r')
            {
                // A list of keys, one per line (a script's $(pk keys list --field key) matching several): named as such,
                // where the character itself would print as an escape ('\u000a') that says nothing.
                return new Refusal(ErrorCatalogue.KeyMalformed,
                    $"A line break at position {i + 1}: give one key on one line, not a list of keys (one per line).");
            }

            var digit = KeyAlphabet.Digit(c);
            if (digit < 0)
            {
                return new Refusal(ErrorCatalogue.KeyMalformed,
                    $"Character '{c}' at position {i + 1} is not used in product keys (keys use only {KeyAlphabet.Symbols}).");
            }

            if (++symbols > SymbolCount)
            {
                return new Refusal(ErrorCatalogue.KeyMalformed,
                    $"Too many characters: a product key has {SymbolCount}; the extra one starts at position {i + 1}.");
            }

            value = (value * KeyAlphabet.Base) + (uint)digit;
        }

        if (symbols < SymbolCount)
        {
            return new Refusal(ErrorCatalogue.KeyMalformed,
                $"Too few characters: a product key has {SymbolCount}, this has {symbols}.");
        }

        if (value >= ValueLimit || value % CheckPrime != 0)
        {
            return new Refusal(ErrorCatalogue.KeyChecksum);
        }

        var version = (int)(value >> (ValueBits - 2));
        if (version != FormatVersion)
        {
            return new Refusal(ErrorCatalogue.KeyMalformed,
                $"This key uses format version {version}; this program reads version {FormatVersion}: update it.");
        }

        var payload = value >> 10;
        var security = (ulong)(payload & SecurityMask);
        var header = (ulong)(payload >> SecurityBits);
        return new ProductKey(
            (KeyType)((header >> 50) & 0b11),
            (int)((header >> 30) & MaxGroup),
            (int)(header & MaxSerial),
            security);
    }

    /// <summary>Parses without the refusal detail.</summary>
    public static bool TryParse(string? text, out ProductKey key)
    {
        var outcome = Parse(text);
        key = outcome.IsSuccess ? outcome.Value : default;
        return outcome.IsSuccess;
    }

    /// <summary>The 114-bit value the symbols encode.</summary>
    public UInt128 ToValue()
    {
        var withoutCheck = CheckFree();
        var remainder = (int)(withoutCheck % CheckPrime);
        return withoutCheck + (uint)(remainder == 0 ? 0 : CheckPrime - remainder);
    }

    /// <summary>The key as 5 groups of 5 symbols, e.g. <c>XXXXX-XXXXX-XXXXX-XXXXX-XXXXX</c>.</summary>
    public override string ToString()
    {
        Span<char> symbols = stackalloc char[SymbolCount];
        var value = ToValue();
        for (var i = SymbolCount - 1; i >= 0; i--)
        {
            symbols[i] = KeyAlphabet.Symbols[(int)(value % KeyAlphabet.Base)];
            value /= KeyAlphabet.Base;
        }

        return string.Create(29, symbols.ToArray(), static (span, s) =>
        {
            var at = 0;
            for (var i = 0; i < SymbolCount; i++)
            {
                if (i > 0 && i % 5 == 0)
                {
                    span[at++] = '-';
                }

                span[at++] = s[i];
            }
        });
    }

    internal static ulong Header(KeyType type, int group, int serial) =>
        ((ulong)FormatVersion << 52) | ((ulong)type << 50) | ((ulong)group << 30) | (uint)serial;

    internal static ulong ComputeSecurityValue(KeyType type, int group, int serial, ReadOnlySpan<byte> groupSecret)
    {
        Span<byte> message = stackalloc byte[16];
        MacDomain.CopyTo(message);
        BinaryPrimitives.WriteUInt64BigEndian(message[8..], Header(type, group, serial));
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(groupSecret, message, mac);
        return BinaryPrimitives.ReadUInt64BigEndian(mac) >> (64 - SecurityBits);
    }

    private UInt128 CheckFree()
    {
        UInt128 payload = ((UInt128)Header(Type, Group, Serial) << SecurityBits) | (SecurityValue & SecurityMask);
        return payload << 10;
    }
}
