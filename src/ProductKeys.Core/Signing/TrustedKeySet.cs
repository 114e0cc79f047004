using System.Security.Cryptography;
using System.Text;

namespace ProductKeys.Core.Signing;

/// <summary>
/// The public keys a party believes, looked up by key ID. Holding the old and the new key during a
/// rotation keeps artifacts signed by either valid. Immutable and safe to share between threads.
/// </summary>
public sealed class TrustedKeySet
{
    private readonly Dictionary<string, TrustedKey> _byId = new(StringComparer.Ordinal);

    /// <summary>Trusts the given keys; a key given twice counts once.</summary>
    /// <exception cref="ArgumentException">Two different keys share a key ID.</exception>
    public TrustedKeySet(params IEnumerable<TrustedKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = new List<TrustedKey>();
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (_byId.TryGetValue(key.KeyId, out var known))
            {
                if (!known.SubjectPublicKeyInfo.Span.SequenceEqual(key.SubjectPublicKeyInfo.Span))
                {
                    throw new ArgumentException($"Two different keys share the key ID {key.KeyId}.", nameof(keys));
                }

                continue;
            }

            _byId.Add(key.KeyId, key);
            list.Add(key);
        }

        Keys = list;
    }

    /// <summary>The trusted keys, in the order given.</summary>
    public IReadOnlyList<TrustedKey> Keys { get; }

    /// <summary>How many keys are trusted.</summary>
    public int Count => Keys.Count;

    /// <summary>The key with this ID (16 lowercase hex digits), or <c>null</c> when it is not trusted.</summary>
    public TrustedKey? Find(string keyId) =>
        keyId is not null && _byId.TryGetValue(keyId, out var key) ? key : null;

    /// <summary>
    /// Reads every <c>PUBLIC KEY</c> block of a PEM text (a trust file may hold several keys).
    /// Text between blocks is ignored; a block with any other label is refused, so a private key
    /// handed over as a trust file is noticed.
    /// </summary>
    /// <exception cref="FormatException">No public key, another kind of PEM block, a damaged key, or two keys sharing a key ID.</exception>
    public static TrustedKeySet FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var keys = new List<TrustedKey>();
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label];
            if (!label.SequenceEqual(TrustedKey.PemLabel))
            {
                throw new FormatException($"Expected only PUBLIC KEY blocks, found '{label}'.");
            }

            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out var written) || written != der.Length)
            {
                throw new FormatException("A PUBLIC KEY block is not valid base64.");
            }

            keys.Add(TrustedKey.FromSubjectPublicKeyInfo(der));
            rest = rest[fields.Location.End..];
        }

        if (keys.Count == 0)
        {
            throw new FormatException("The text holds no PEM PUBLIC KEY block.");
        }

        try
        {
            return new TrustedKeySet(keys);
        }
        catch (ArgumentException e)
        {
            // Two keys made to share a 64-bit key ID: a damaged trust file, reported as one.
            throw new FormatException(e.Message, e);
        }
    }

    /// <summary>All keys as consecutive PEM <c>PUBLIC KEY</c> blocks, one per line group.</summary>
    public string ToPem()
    {
        var text = new StringBuilder();
        foreach (var key in Keys)
        {
            text.Append(key.ToPem()).Append('\n');
        }

        return text.ToString();
    }
}
