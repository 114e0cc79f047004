using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Signing;

/// <summary>A signing key, a fake clock, and a signer and verifier that share them.</summary>
internal sealed class SigningFixture : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);

    public SigningFixture()
    {
        Signer = new ArtifactSigner(Key, Clock);
        Verifier = new ArtifactVerifier(new TrustedKeySet(Key.PublicKey), Clock);
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public SigningKey Key { get; } = SigningKey.Generate();

    public ArtifactSigner Signer { get; }

    public ArtifactVerifier Verifier { get; }

    public static IReadOnlyList<KeyValuePair<string, string>> SampleFields { get; } =
    [
        new("product", "contoso-desktop-2026"),
        new("keyType", "Mak"),
        new("partialKey", "7QX3B"),
        new("note", "Ünïcödé, \"quotes\", newline\nand an empty value next"),
        new("empty", ""),
    ];

    public SignedArtifact SignSample(ArtifactPurpose purpose = ArtifactPurpose.ActivationCertificate) =>
        Signer.Sign(purpose, SampleFields, Start.AddDays(180), "hw:3f9a0c7e51d2b884");

    public void Dispose() => Key.Dispose();
}
