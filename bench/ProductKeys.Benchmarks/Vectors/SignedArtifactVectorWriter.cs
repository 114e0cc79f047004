using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Signing;

namespace ProductKeys.Benchmarks.Vectors;

/// <summary>
/// Writes docs/formats/vectors/signed-artifact-v1.json. ECDSA signatures are randomized and the
/// private key is thrown away, so the committed file is generated once and only verified after:
/// run it only when the format itself changes:
/// <c>dotnet run --project bench/ProductKeys.Benchmarks -c Release -- write-vectors</c>.
/// </summary>
internal static class SignedArtifactVectorWriter
{
    private static readonly DateTimeOffset Issued = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keeps UTF-8 text readable in the committed file
    };

    public static void Write()
    {
        using var key = SigningKey.Generate();
        using var stranger = SigningKey.Generate();
        var clock = new FakeTimeProvider(Issued);
        var signer = new ArtifactSigner(key, clock);
        var later = Issued.AddDays(1);

        var activation = signer.Sign(ArtifactPurpose.ActivationCertificate,
            [new("product", "contoso-desktop-2026"), new("keyType", "Mak"), new("partialKey", "7QX3B"), new("licensee", "Ünïcödé Ltd. \"Quotes\"\nline 2")],
            Issued.AddDays(180), "hw:3f9a0c7e51d2b884");
        var host = signer.Sign(ArtifactPurpose.KmsHostCertificate,
            [new("product", "contoso-server-2026"), new("kmsThreshold", "25"), new("hostId", "kms01.corp.example")],
            Issued.AddDays(180));
        var report = signer.Sign(ArtifactPurpose.UsageReport, []);
        var calPack = signer.Sign(ArtifactPurpose.CalPack,
            [new("product", "contoso-cal"), new("kind", "per-user"), new("count", "50"), new("empty", "")],
            boundTo: "install:9b2e");

        var valid = new[]
        {
            Valid("activation certificate with expiry, binding and UTF-8 fields", activation, later),
            Valid("KMS host certificate without binding", host, later),
            Valid("usage report with no expiry, binding or fields", report, Issued.AddYears(5)),
            Valid("CAL pack with binding, no expiry, an empty value", calPack, later),
        };

        var bytes = activation.Bytes.ToArray();
        var invalid = new[]
        {
            Invalid("one bit flipped in a field value", Flip(bytes, bytes.Length - 70), activation.Purpose, later, "SIGNATURE_INVALID"),
            Invalid("one bit flipped in the signature", Flip(bytes, bytes.Length - 1), activation.Purpose, later, "SIGNATURE_INVALID"),
            Invalid("one bit flipped in the purpose", Flip(bytes, 10), activation.Purpose, later, "SIGNATURE_INVALID"),
            Invalid("truncated by 10 bytes", ArtifactCodec.ToText(bytes.AsSpan(0, bytes.Length - 10)), activation.Purpose, later, "SIGNATURE_INVALID"),
            Invalid("a byte appended", ArtifactCodec.ToText([.. bytes, 0]), activation.Purpose, later, "SIGNATURE_INVALID"),
            Invalid("high-S twin of a valid signature", ArtifactCodec.ToText([.. bytes[..^64], .. P256.Twin(bytes.AsSpan(^64))]), activation.Purpose, later, "SIGNATURE_INVALID"),
            Invalid("activation certificate presented as a KMS client certificate", activation.ToText(), ArtifactPurpose.KmsClientCertificate, later, "SIGNATURE_INVALID"),
            Invalid("KMS host certificate presented as a CAL pack", host.ToText(), ArtifactPurpose.CalPack, later, "SIGNATURE_INVALID"),
            Invalid("signed by a key that is not trusted",
                new ArtifactSigner(stranger, clock).Sign(ArtifactPurpose.CalPack, [new("product", "contoso-cal")]).ToText(), ArtifactPurpose.CalPack, later, "SIGNATURE_INVALID"),
            Invalid("not base64url", "PKA1.not+base64/url", ArtifactPurpose.CalPack, later, "SIGNATURE_INVALID"),
            Invalid("wrong text prefix", "PKA2." + activation.ToText()[5..], activation.Purpose, later, "SIGNATURE_INVALID"),
            Invalid("empty", "", activation.Purpose, later, "SIGNATURE_INVALID"),
            Invalid("one second after expiry", activation.ToText(), activation.Purpose, activation.Expires!.Value.AddSeconds(1), "CERTIFICATE_EXPIRED"),
            Invalid("issued more than 5 minutes after the verifier's now", activation.ToText(), activation.Purpose, Issued.AddMinutes(-6), "CERTIFICATE_EXPIRED"),
        };

        var document = new
        {
            format = "signed-artifact-v1",
            description = "Test vectors for docs/formats/signed-artifact-v1.md. The private key was discarded; "
                + "verify every 'valid' artifact with publicKeyPem at 'now' and compare the decoded values; every "
                + "'invalid' one must be refused with 'code'. Times are UTC; 'purpose' is the purpose the verifier expects.",
            publicKeyPem = key.PublicKey.ToPem() + "\n",
            keyId = key.KeyId,
            valid,
            invalid,
        };

        var json = JsonSerializer.Serialize(document, JsonOptions);
        File.WriteAllText(Path.Combine(RepositoryRoot(), "docs", "formats", "vectors", "signed-artifact-v1.json"), json + "\n");
    }

    private static object Valid(string name, SignedArtifact a, DateTimeOffset now) => new
    {
        name,
        purpose = a.Purpose.WireName(),
        now = Iso(now),
        text = a.ToText(),
        hex = Convert.ToHexStringLower(a.Bytes.Span),
        keyId = a.KeyId,
        issuedAt = Iso(a.IssuedAt),
        expires = a.Expires is { } e ? Iso(e) : null,
        boundTo = a.BoundTo,
        fields = a.Fields.Select(f => new { name = f.Key, value = f.Value }),
    };

    private static object Invalid(string name, string text, ArtifactPurpose purpose, DateTimeOffset now, string code) => new
    {
        name,
        purpose = purpose.WireName(),
        now = Iso(now),
        text,
        code,
    };

    private static string Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x01;
        return ArtifactCodec.ToText(copy);
    }

    private static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ProductKeys.slnx")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
    }
}
