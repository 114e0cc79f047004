using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace ProductKeys.Core.Signing;

/// <summary>
/// A public key that verifies signed artifacts: an ECDSA P-256 SubjectPublicKeyInfo and its
/// <see cref="KeyId"/>. Immutable and safe to share between threads.
/// </summary>
public sealed class TrustedKey
{
    /// <summary>The PEM label of a public key file.</summary>
    public const string PemLabel = "PUBLIC KEY";

    /// <summary>Bytes of the key ID inside an artifact.</summary>
    internal const int KeyIdSize = 8;

    private readonly byte[] _subjectPublicKeyInfo;
    private readonly byte[] _keyId;

    // Importing a public key costs about twice a verification, so imported instances are reused.
    // An instance is used by one thread at a time: taken from the pool, returned after use.
    private readonly ConcurrentBag<ECDsa> _verifiers = [];

    private TrustedKey(byte[] subjectPublicKeyInfo)
    {
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        _keyId = SHA256.HashData(subjectPublicKeyInfo)[..KeyIdSize];
        KeyId = Convert.ToHexStringLower(_keyId);
    }

    /// <summary>
    /// The key ID: the first 8 bytes of SHA-256 of the DER SubjectPublicKeyInfo, as 16 lowercase
    /// hex digits. Written into every artifact the key signs, so several keys can be trusted at once.
    /// </summary>
    public string KeyId { get; }

    /// <summary>The DER SubjectPublicKeyInfo, as .NET exports it.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo => _subjectPublicKeyInfo;

    internal ReadOnlySpan<byte> KeyIdBytes => _keyId;

    /// <summary>Reads a DER SubjectPublicKeyInfo holding an ECDSA P-256 public key.</summary>
    /// <exception cref="FormatException">The bytes are not exactly a P-256 public key.</exception>
    public static TrustedKey FromSubjectPublicKeyInfo(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        using var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length)
            {
                throw new FormatException("The public key is followed by extra bytes.");
            }
        }
        catch (CryptographicException e)
        {
            throw new FormatException("That is not an ECDSA public key (SubjectPublicKeyInfo).", e);
        }
        catch (PlatformNotSupportedException e)
        {
            // A curve OpenSSL does not know (found by fuzzing, docs/adr/0026-fuzzing.md): damaged input too.
            throw new FormatException("That is not an ECDSA P-256 public key: its curve is unknown.", e);
        }

        return From(ecdsa);
    }

    /// <summary>Reads a PEM file's text holding exactly one <c>PUBLIC KEY</c> block.</summary>
    /// <exception cref="FormatException">The text holds no key, several keys, or anything else.</exception>
    public static TrustedKey FromPem(string pem)
    {
        var keys = TrustedKeySet.FromPem(pem);
        return keys.Count == 1
            ? keys.Keys[0]
            : throw new FormatException($"Expected one public key, found {keys.Count}.");
    }

    /// <summary>Reads a PEM file's text like <see cref="FromPem"/>, without throwing.</summary>
    /// <param name="pem">The text.</param>
    /// <param name="key">The key, when the text is exactly one P-256 public key.</param>
    /// <param name="problem">Why it is not, otherwise.</param>
    public static bool TryFromPem(string pem, [NotNullWhen(true)] out TrustedKey? key, [NotNullWhen(false)] out string? problem)
    {
        try
        {
            key = FromPem(pem);
            problem = null;
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or CryptographicException)
        {
            key = null;
            problem = e.Message;
            return false;
        }
    }

    /// <summary>The key as a PEM <c>PUBLIC KEY</c> block.</summary>
    public string ToPem() => PemEncoding.WriteString(PemLabel, _subjectPublicKeyInfo);

    /// <inheritdoc />
    public override string ToString() => KeyId;

    internal static TrustedKey From(ECDsa ecdsa)
    {
        if (!P256.IsP256(ecdsa))
        {
            throw new FormatException("Only ECDSA keys on the NIST P-256 curve are supported.");
        }

        // Re-exported rather than kept as given, so a key ID never depends on how the input was encoded.
        return new TrustedKey(ecdsa.ExportSubjectPublicKeyInfo());
    }

    internal bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (!P256.HasLowS(signature))
        {
            return false;
        }

        if (!_verifiers.TryTake(out var ecdsa))
        {
            ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(_subjectPublicKeyInfo, out _);
        }

        try
        {
            return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        finally
        {
            _verifiers.Add(ecdsa);
        }
    }
}
