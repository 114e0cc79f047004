using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Signing;

namespace ProductKeys.Fuzz.Harnesses;

/// <summary>
/// A signed artifact (docs/formats/signed-artifact-v1.md), text or binary, as every certificate
/// reader receives it: verification must refuse damage with a code. AFL cannot forge a signature, so
/// when the bytes decode the harness signs the same body itself and hands it to every typed reader,
/// whose field checks would otherwise be out of reach.
/// </summary>
internal static class ArtifactHarness
{
    private static readonly FakeTimeProvider Now = new(new DateTimeOffset(2026, 1, 16, 10, 0, 0, TimeSpan.Zero));

    public static void Run(byte[] input)
    {
        var text = FuzzInput.Text(input);
        var verifier = new ArtifactVerifier(FuzzKeys.Trusted, Now);
        foreach (var purpose in Enum.GetValues<ArtifactPurpose>())
        {
            _ = verifier.Verify(text, purpose);
            _ = verifier.Verify(input, purpose);
        }

        var bytes = ArtifactCodec.TryDecodeText(text, out _) ?? input;
        if (ArtifactCodec.TryRead(bytes, out _) is { } decoded)
        {
            ReadSigned(decoded);
        }
    }

    private static void ReadSigned(SignedArtifact decoded)
    {
        // Signed at the decoded issue time and checked then, so the validity period holds.
        var time = new FakeTimeProvider(decoded.IssuedAt);
        var signed = new ArtifactSigner(FuzzKeys.Harness, time)
            .Sign(decoded.Purpose, decoded.Fields, decoded.Expires, decoded.BoundTo).ToText();
        var verified = new ArtifactVerifier(FuzzKeys.Trusted, time).Verify(signed, decoded.Purpose);
        FuzzInput.Require(verified.IsSuccess, $"an artifact signed by a trusted key verifies ({verified.Refusal})");

        _ = ActivationCertificate.Verify(signed, FuzzKeys.Trusted, time);
        _ = KmsHostCertificate.Verify(signed, FuzzKeys.Trusted, time);
        _ = KmsClientCertificate.Verify(signed, signed, FuzzKeys.Trusted, time);
        _ = CalPackCertificate.Verify(signed, FuzzKeys.Trusted, time);
        _ = DeviceCal.Verify(signed, signed, FuzzKeys.Trusted, time, decoded.BoundTo ?? "device");
        _ = UsageReport.Verify(signed, FuzzKeys.Trusted, time);
        _ = PublisherKeyList.Verify(signed, FuzzKeys.Trusted, time);
    }
}
