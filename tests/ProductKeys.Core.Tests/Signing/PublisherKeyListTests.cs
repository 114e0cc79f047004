using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Signing;

/// <summary>A key list is believed only when consistent and signed by a key already trusted (ADR 0024).</summary>
public sealed class PublisherKeyListTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly SigningKey _old = SigningKey.Generate();
    private readonly SigningKey _new = SigningKey.Generate();

    [Fact]
    public void A_list_signed_by_the_old_key_teaches_the_new_one_and_its_withdrawal_removes_the_old()
    {
        var both = new TrustedKeySet(_old.PublicKey, _new.PublicKey);
        var rotation = PublisherKeyList.Sign(new ArtifactSigner(_old, _time), 1, _new.KeyId, both, []).ToText();
        var withdrawal = PublisherKeyList.Sign(new ArtifactSigner(_new, _time), 2, _new.KeyId, new TrustedKeySet(_new.PublicKey), [_old.KeyId]).ToText();

        var learned = PublisherKeyList.Apply(new TrustedKeySet(_old.PublicKey), [rotation], _time);
        Assert.Equal([_old.KeyId, _new.KeyId], learned.Trusted.Keys.Select(k => k.KeyId));
        var after = PublisherKeyList.Apply(new TrustedKeySet(_old.PublicKey), [rotation, withdrawal], _time);
        Assert.Equal([_new.KeyId], after.Trusted.Keys.Select(k => k.KeyId));
        Assert.Equal([rotation, withdrawal], after.Applied);
    }

    [Fact]
    public void A_clock_moved_back_before_a_withdrawal_does_not_undo_it()
    {
        var both = new TrustedKeySet(_old.PublicKey, _new.PublicKey);
        var rotation = PublisherKeyList.Sign(new ArtifactSigner(_old, _time), 1, _new.KeyId, both, []).ToText();
        var withdrawal = PublisherKeyList.Sign(new ArtifactSigner(_new, _time), 2, _new.KeyId, new TrustedKeySet(_new.PublicKey), [_old.KeyId]).ToText();

        // A device re-derives its trust from its kept lists on every load: a list's issue time orders nothing
        // (the sequence does), so a clock set to a day before the lists were signed changes nothing.
        var backThen = new FakeTimeProvider(_time.GetUtcNow().AddDays(-1));
        var after = PublisherKeyList.Apply(new TrustedKeySet(_old.PublicKey), [rotation, withdrawal], backThen);
        Assert.Equal([_new.KeyId], after.Trusted.Keys.Select(k => k.KeyId));
        Assert.Equal(2, after.Sequence);
    }

    [Fact]
    public void Signing_an_inconsistent_list_is_a_bug_and_throws()
    {
        var onlyOld = new TrustedKeySet(_old.PublicKey);
        Assert.Throws<ArgumentException>(() => PublisherKeyList.Sign(new ArtifactSigner(_new, _time), 1, _old.KeyId, onlyOld, []));
        Assert.Throws<ArgumentException>(() => PublisherKeyList.Sign(new ArtifactSigner(_old, _time), 1, _new.KeyId, onlyOld, []));
        Assert.Throws<ArgumentException>(() => PublisherKeyList.Sign(new ArtifactSigner(_old, _time), 1, _old.KeyId, onlyOld, [_old.KeyId]));
    }

    [Theory]
    [InlineData("current key not listed")]
    [InlineData("key under another ID")]
    [InlineData("signer withdrawn")]
    [InlineData("no sequence")]
    public void A_signed_but_inconsistent_list_is_refused(string flaw)
    {
        var spki = Convert.ToBase64String(_old.PublicKey.SubjectPublicKeyInfo.Span);
        List<KeyValuePair<string, string>> fields = flaw switch
        {
            "current key not listed" => [new("sequence", "1"), new("current", _new.KeyId), new("trusted." + _old.KeyId, spki)],
            "key under another ID" => [new("sequence", "1"), new("current", _new.KeyId), new("trusted." + _new.KeyId, spki)],
            "signer withdrawn" => [new("sequence", "1"), new("current", _old.KeyId), new("trusted." + _old.KeyId, spki), new("withdrawn." + _old.KeyId, "")],
            _ => [new("current", _old.KeyId), new("trusted." + _old.KeyId, spki)],
        };
        var text = new ArtifactSigner(_old, _time).Sign(ArtifactPurpose.PublisherKeyList, fields).ToText();

        var verified = PublisherKeyList.Verify(text, new TrustedKeySet(_old.PublicKey), _time);

        Assert.Equal(ErrorCatalogue.SignatureInvalid, verified.Refusal?.Error);
    }

    [Fact]
    public void Another_kind_of_artifact_is_not_a_key_list()
    {
        var activation = new ArtifactSigner(_old, _time).Sign(ArtifactPurpose.ActivationCertificate, [new("sequence", "9")]).ToText();

        Assert.Equal(ErrorCatalogue.SignatureInvalid, PublisherKeyList.Verify(activation, new TrustedKeySet(_old.PublicKey), _time).Refusal?.Error);
    }

    public void Dispose()
    {
        _old.Dispose();
        _new.Dispose();
    }
}
