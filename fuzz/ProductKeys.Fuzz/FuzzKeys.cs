using ProductKeys.Core.Signing;

namespace ProductKeys.Fuzz;

/// <summary>
/// The keys the harnesses trust: the publisher key of the committed vectors
/// (docs/formats/vectors/signed-artifact-v1.json), so a seed from there verifies, and a key made per
/// process, so a harness can sign what AFL wrote and reach the field checks behind the signature.
/// </summary>
internal static class FuzzKeys
{
    private const string VectorPublisherKey = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOOMeAlOqudTEehh/1XlnDeK6X7oV
        GYUvMkNXTInqm0h15J4bgP6KEY1TTW7RfvCazQcCdCsld8wBjW00m2ydPA==
        -----END PUBLIC KEY-----
        """;

    public static SigningKey Harness { get; } = SigningKey.Generate();

    public static TrustedKeySet Trusted { get; } = new(TrustedKey.FromPem(VectorPublisherKey), Harness.PublicKey);
}
