using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ProductKeys.Core.Tls;

/// <summary>
/// A TLS public key pin: SHA-256 of the certificate's DER SubjectPublicKeyInfo, in base64 — the value
/// curl's <c>--pinnedpubkey sha256//…</c> and HPKP's <c>pin-sha256</c> use. It names the key, not the
/// certificate, so it survives renewing a certificate for the same key.
/// </summary>
public static class TlsPin
{
    /// <summary>The optional prefix curl writes before a pin (<c>sha256//</c>).</summary>
    public const string CurlPrefix = "sha256//";

    /// <summary>The pin of <paramref name="certificate"/>'s public key.</summary>
    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>Reads a pin as typed: 44 characters of base64 for 32 bytes, optionally after <c>sha256//</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="pin">The pin in the form <see cref="Of"/> gives, when valid.</param>
    public static bool TryParse(string? text, [NotNullWhen(true)] out string? pin)
    {
        pin = null;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.StartsWith(CurlPrefix, StringComparison.Ordinal))
        {
            trimmed = trimmed[CurlPrefix.Length..];
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (trimmed.Length != 44 || !Convert.TryFromBase64String(trimmed, hash, out var written) || written != hash.Length)
        {
            return false;
        }

        pin = Convert.ToBase64String(hash);
        return true;
    }
}
