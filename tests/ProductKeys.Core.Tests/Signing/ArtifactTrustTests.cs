using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Signing;

public sealed class ArtifactTrustTests : IDisposable
{
    private readonly SigningFixture _f = new();

    [Fact]
    public void An_artifact_of_one_purpose_is_refused_as_any_other()
    {
        foreach (var signedAs in Enum.GetValues<ArtifactPurpose>())
        {
            var text = _f.SignSample(signedAs).ToText();
            foreach (var presentedAs in Enum.GetValues<ArtifactPurpose>().Where(p => p != signedAs))
            {
                var outcome = _f.Verifier.Verify(text, presentedAs);

                Assert.Equal("SIGNATURE_INVALID", outcome.Refusal?.Code);
                Assert.Contains(signedAs.WireName(), outcome.Refusal!.Detail, StringComparison.Ordinal);
            }

            Assert.True(_f.Verifier.Verify(text, signedAs).IsSuccess);
        }
    }

    [Fact]
    public void An_artifact_signed_by_an_untrusted_key_is_refused_naming_the_key()
    {
        using var stranger = SigningKey.Generate();
        var text = new ArtifactSigner(stranger, _f.Clock).Sign(ArtifactPurpose.CalPack, SigningFixture.SampleFields).ToText();

        var outcome = _f.Verifier.Verify(text, ArtifactPurpose.CalPack);

        Assert.Equal("SIGNATURE_INVALID", outcome.Refusal?.Code);
        Assert.Contains(stranger.KeyId, outcome.Refusal!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forged_key_id_pointing_at_a_trusted_key_does_not_verify()
    {
        using var stranger = SigningKey.Generate();
        var bytes = new ArtifactSigner(stranger, _f.Clock).Sign(ArtifactPurpose.CalPack, []).Bytes.ToArray();
        var keyIdAt = 5 + ArtifactPurpose.CalPack.WireName().Length;
        Convert.FromHexString(_f.Key.KeyId).CopyTo(bytes, keyIdAt);

        var outcome = _f.Verifier.Verify(bytes, ArtifactPurpose.CalPack);

        Assert.Equal("SIGNATURE_INVALID", outcome.Refusal?.Code);
    }

    [Fact]
    public void During_a_rotation_both_trusted_keys_verify_and_a_dropped_key_no_longer_does()
    {
        using var oldKey = SigningKey.Generate();
        using var newKey = SigningKey.Generate();
        var fromOld = new ArtifactSigner(oldKey, _f.Clock).Sign(ArtifactPurpose.KmsHostCertificate, []).ToText();
        var fromNew = new ArtifactSigner(newKey, _f.Clock).Sign(ArtifactPurpose.KmsHostCertificate, []).ToText();
        var both = new ArtifactVerifier(new TrustedKeySet(oldKey.PublicKey, newKey.PublicKey), _f.Clock);
        var newOnly = new ArtifactVerifier(new TrustedKeySet(newKey.PublicKey), _f.Clock);

        Assert.Equal(oldKey.KeyId, both.Verify(fromOld, ArtifactPurpose.KmsHostCertificate).Value.KeyId);
        Assert.Equal(newKey.KeyId, both.Verify(fromNew, ArtifactPurpose.KmsHostCertificate).Value.KeyId);
        Assert.True(newOnly.Verify(fromNew, ArtifactPurpose.KmsHostCertificate).IsSuccess);
        Assert.Equal("SIGNATURE_INVALID", newOnly.Verify(fromOld, ArtifactPurpose.KmsHostCertificate).Refusal?.Code);
    }

    [Fact]
    public void A_trusted_set_finds_keys_by_id_and_counts_a_repeated_key_once()
    {
        using var other = SigningKey.Generate();
        var set = new TrustedKeySet(_f.Key.PublicKey, other.PublicKey, _f.Key.PublicKey);

        Assert.Equal(2, set.Count);
        Assert.Same(other.PublicKey, set.Find(other.KeyId));
        Assert.Null(set.Find("0000000000000000"));
        Assert.Null(set.Find(_f.Key.KeyId.ToUpperInvariant()));
    }

    public void Dispose() => _f.Dispose();
}
