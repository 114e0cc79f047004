using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Signing;

public sealed class SigningKeyTests
{
    [Fact]
    public void Key_id_is_the_first_8_bytes_of_sha256_of_the_subject_public_key_info_in_hex()
    {
        using var key = SigningKey.Generate();
        var spki = key.PublicKey.SubjectPublicKeyInfo.Span;

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(spki)[..8]), key.KeyId);
        Assert.Matches("^[0-9a-f]{16}$", key.KeyId);
    }

    [Fact]
    public void Private_key_pem_round_trips_and_the_reloaded_key_signs_verifiable_artifacts()
    {
        using var key = SigningKey.Generate();
        var pem = key.ExportPem();

        using var reloaded = SigningKey.FromPem(pem);
        var clock = new FakeTimeProvider(SigningFixture.Start);
        var text = new ArtifactSigner(reloaded, clock).Sign(ArtifactPurpose.OfflineResponse, [new("a", "b")]).ToText();

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem, StringComparison.Ordinal);
        Assert.Equal(key.KeyId, reloaded.KeyId);
        Assert.True(new ArtifactVerifier(new TrustedKeySet(key.PublicKey), clock).Verify(text, ArtifactPurpose.OfflineResponse).IsSuccess);
    }

    [Fact]
    public void An_openssl_style_sec1_private_key_is_accepted()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var key = SigningKey.FromPem(ecdsa.ExportECPrivateKeyPem());

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo())[..8]), key.KeyId);
    }

    [Fact]
    public void Public_key_pem_round_trips()
    {
        using var key = SigningKey.Generate();
        var pem = key.PublicKey.ToPem();

        var trusted = TrustedKey.FromPem(pem);

        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem, StringComparison.Ordinal);
        Assert.Equal(key.KeyId, trusted.KeyId);
        Assert.Equal(key.PublicKey.SubjectPublicKeyInfo.ToArray(), trusted.SubjectPublicKeyInfo.ToArray());
    }

    [Fact]
    public void A_trust_file_holds_several_keys_in_order()
    {
        using var a = SigningKey.Generate();
        using var b = SigningKey.Generate();
        var pem = "# publisher keys\n" + new TrustedKeySet(a.PublicKey, b.PublicKey).ToPem();

        var set = TrustedKeySet.FromPem(pem);

        Assert.Equal([a.KeyId, b.KeyId], set.Keys.Select(k => k.KeyId));
        Assert.Throws<FormatException>(() => TrustedKey.FromPem(pem));
    }

    [Fact]
    public void Other_curves_wrong_kinds_and_garbage_are_refused_as_keys()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        using var key = SigningKey.Generate();

        Assert.Throws<FormatException>(() => TrustedKey.FromPem(p384.ExportSubjectPublicKeyInfoPem()));
        Assert.Throws<FormatException>(() => SigningKey.FromPem(p384.ExportPkcs8PrivateKeyPem()));
        Assert.Throws<FormatException>(() => TrustedKey.FromPem(rsa.ExportSubjectPublicKeyInfoPem()));
        Assert.Throws<FormatException>(() => SigningKey.FromPem(key.PublicKey.ToPem()));
        Assert.Throws<FormatException>(() => TrustedKeySet.FromPem(key.ExportPem()));
        Assert.Throws<FormatException>(() => TrustedKeySet.FromPem("not a key"));
        Assert.Throws<FormatException>(() => SigningKey.FromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"));
    }

    [Fact]
    public async Task Many_threads_signing_at_once_each_get_a_signature_the_public_key_verifies()
    {
        using var key = SigningKey.Generate();
        var clock = new FakeTimeProvider(SigningFixture.Start);
        var signer = new ArtifactSigner(key, clock);
        var verifier = new ArtifactVerifier(new TrustedKeySet(key.PublicKey), clock);

        var texts = await Task.WhenAll(Enumerable.Range(0, 16).Select(thread => Task.Run(() =>
            Enumerable.Range(0, 50).Select(i => signer.Sign(ArtifactPurpose.OfflineResponse, [new("n", $"{thread}-{i}")]).ToText()).ToArray())));

        var verified = texts.SelectMany(t => t).Select(text => verifier.Verify(text, ArtifactPurpose.OfflineResponse)).ToList();
        Assert.All(verified, v => Assert.True(v.IsSuccess, v.Refusal?.ToString()));
        Assert.Equal(16 * 50, verified.Select(v => v.Value.Get("n")).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void A_disposed_key_signs_nothing()
    {
        var key = SigningKey.Generate();
        var signer = new ArtifactSigner(key, new FakeTimeProvider(SigningFixture.Start));
        Assert.NotNull(signer.Sign(ArtifactPurpose.OfflineResponse, [new("a", "b")]));

        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => signer.Sign(ArtifactPurpose.OfflineResponse, [new("a", "b")]));
    }
}
