using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace ProductKeys.Core.Signing;

/// <summary>
/// ECDSA on NIST P-256 as signed artifacts use it: IEEE P1363 signatures (r ‖ s, 32 bytes each)
/// over SHA-256, with s always in the lower half of the group order. ECDSA accepts (r, n − s) as
/// well as (r, s); allowing only the low one makes the signed bytes of an artifact unique, so the
/// exact bytes (or their fingerprint) can identify it.
/// </summary>
internal static class P256
{
    internal const int SignatureSize = 64;
    internal const int ScalarSize = 32;
    private const string CurveOid = "1.2.840.10045.3.1.7";

    private static readonly BigInteger Order = BigInteger.Parse(
        "00FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
        NumberStyles.HexNumber,
        CultureInfo.InvariantCulture);

    private static readonly BigInteger HalfOrder = Order >> 1;

    internal static bool IsP256(ECDsa ecdsa)
    {
        var curve = ecdsa.ExportParameters(false).Curve;
        return ecdsa.KeySize == 256
            && curve.IsNamed
            && (curve.Oid.Value == CurveOid || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256");
    }

    internal static byte[] Sign(ECDsa ecdsa, ReadOnlySpan<byte> data)
    {
        var signature = ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return HasLowS(signature) ? signature : Twin(signature);
    }

    internal static bool HasLowS(ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureSize
        && new BigInteger(signature[ScalarSize..], isUnsigned: true, isBigEndian: true) <= HalfOrder;

    /// <summary>The other valid signature (r, n − s); for tests and the vector generator.</summary>
    internal static byte[] Twin(ReadOnlySpan<byte> signature)
    {
        var twin = signature.ToArray();
        var s = Order - new BigInteger(signature[ScalarSize..], isUnsigned: true, isBigEndian: true);
        twin.AsSpan(ScalarSize).Clear();
        s.TryWriteBytes(twin.AsSpan(SignatureSize - s.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return twin;
    }
}
