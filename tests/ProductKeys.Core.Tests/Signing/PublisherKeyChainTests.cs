using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Signing;

/// <summary>
/// What a server's data folder trusts (ADR 0024, "KMS hosts and CAL servers"): a chain of key lists from its pinned keys that
/// never goes back, keeps every copy of an applied list for the clients it serves, and reads its kept lists back strictly; and the
/// one rule for changing a pinned folder's trust (<see cref="PinnedPublisherKeys.Accept"/>). Key A rotates to B (list 1, signed by
/// A and by B), then A is withdrawn (list 2, signed by B).
/// </summary>
public sealed class PublisherKeyChainTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-chain-").FullName;
    private readonly SigningKey _old = SigningKey.Generate();
    private readonly SigningKey _new = SigningKey.Generate();
    private readonly SigningKey _stranger = SigningKey.Generate();
    private readonly string _rotationByOld;
    private readonly string _rotationByNew;
    private readonly string _withdrawal;

    public PublisherKeyChainTests()
    {
        var both = new TrustedKeySet(_old.PublicKey, _new.PublicKey);
        _rotationByOld = PublisherKeyList.Sign(new ArtifactSigner(_old, _time), 1, _new.KeyId, both, []).ToText();
        _rotationByNew = PublisherKeyList.Sign(new ArtifactSigner(_new, _time), 1, _new.KeyId, both, []).ToText();
        _withdrawal = PublisherKeyList.Sign(new ArtifactSigner(_new, _time), 2, _new.KeyId, new TrustedKeySet(_new.PublicKey), [_old.KeyId]).ToText();
    }

    private TrustedKeySet Old => new(_old.PublicKey);

    [Fact]
    public void Lists_in_any_order_lead_from_the_old_key_to_the_new_one_keeping_every_copy_and_naming_the_withdrawn_key()
    {
        var chain = PublisherKeyChain.Start(Old).Extend([_withdrawal, _rotationByNew, _rotationByOld], _time);

        Assert.Equal([_new.KeyId], chain.Trusted.Keys.Select(k => k.KeyId));
        Assert.Equal(2, chain.Sequence);
        Assert.Equal([_rotationByOld, _rotationByNew, _withdrawal], chain.Lists);
        Assert.Equal([_old.KeyId], chain.Withdrawn.Keys.Select(k => k.KeyId));
        Assert.Equal(2, chain.WithdrawnBy(_old.KeyId));
        Assert.Null(chain.WithdrawnBy(_new.KeyId));
    }

    [Fact]
    public void An_older_list_never_counts_again_and_a_strangers_list_teaches_nothing()
    {
        var chain = PublisherKeyChain.Start(Old).Extend([_rotationByOld, _withdrawal], _time);
        var forged = PublisherKeyList.Sign(new ArtifactSigner(_stranger, _time), 9, _stranger.KeyId, new TrustedKeySet(_stranger.PublicKey, _old.PublicKey), []).ToText();
        // A list of sequence 1 with other content, signed by a key trusted then: what a leaked key could sign.
        var rival = PublisherKeyList.Sign(new ArtifactSigner(_new, _time), 1, _new.KeyId, new TrustedKeySet(_old.PublicKey, _new.PublicKey, _stranger.PublicKey), []).ToText();

        var offered = chain.Extend([_rotationByOld, forged, rival], _time);

        Assert.Equal([_new.KeyId], offered.Trusted.Keys.Select(k => k.KeyId));
        Assert.Equal(chain.Lists, offered.Lists);
    }

    [Fact]
    public void Kept_lists_read_back_strictly_a_line_that_does_not_count_names_its_number()
    {
        var kept = PublisherKeyChain.Start(Old).Extend([_rotationByOld, _rotationByNew, _withdrawal], _time).Lists;
        Assert.True(PublisherKeyChain.Read(Old, ["", .. kept], _time).IsSuccess);

        var forged = PublisherKeyList.Sign(new ArtifactSigner(_stranger, _time), 3, _stranger.KeyId, new TrustedKeySet(_stranger.PublicKey), []).ToText();
        var refused = PublisherKeyChain.Read(Old, [.. kept, forged], _time);
        Assert.Equal(ErrorCatalogue.SignatureInvalid.Code, refused.Refusal?.Code);
        Assert.Contains("line 4", refused.Refusal!.Detail, StringComparison.Ordinal);
        Assert.False(PublisherKeyChain.Read(new TrustedKeySet(_stranger.PublicKey), kept, _time).IsSuccess);
    }

    [Fact]
    public void A_pinned_folder_accepts_a_trust_file_only_for_keys_it_trusts_after_the_lists_in_hand_and_never_goes_back()
    {
        var keys = new PinnedPublisherKeys(_folder);
        Assert.Equal(ErrorCatalogue.ValidationFailed.Code, keys.Accept(null, null, null, _time).Refusal?.Code);
        var pinned = keys.Save(keys.Accept(Old, null, null, _time).Value, _time);
        Assert.True(pinned.IsSuccess);

        var onlyNew = new TrustedKeySet(_new.PublicKey);
        Assert.Equal(ErrorCatalogue.PublisherKeyNotVouched.Code, keys.Accept(onlyNew, null, null, _time).Refusal?.Code);
        Assert.Equal(ErrorCatalogue.PublisherKeyNotVouched.Code, keys.Accept(new TrustedKeySet(_stranger.PublicKey), onlyNew, [_rotationByOld], _time).Refusal?.Code);
        var learned = keys.Accept(onlyNew, null, [_rotationByOld, _withdrawal], _time);
        Assert.True(learned.IsSuccess, learned.Refusal?.ToString());
        Assert.True(keys.Save(learned.Value, _time).IsSuccess);

        // Saving what was read before the folder learned the withdrawal would go back: refused.
        Assert.Equal(ErrorCatalogue.Conflict.Code, keys.Save(pinned.Value, _time).Refusal?.Code);
        var withdrawn = keys.Accept(Old, null, [_rotationByOld], _time);
        Assert.Equal(ErrorCatalogue.PublisherKeyNotVouched.Code, withdrawn.Refusal?.Code);
        Assert.Contains("withdrawn", withdrawn.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Equal([_old.KeyId], SigningKeyFile.LoadPublicKeys(keys.AnchorsFile).Value.Keys.Select(k => k.KeyId));
        Assert.Equal([_new.KeyId], keys.Load(_time).Value!.Trusted.Keys.Select(k => k.KeyId));
    }

    public void Dispose()
    {
        _old.Dispose();
        _new.Dispose();
        _stranger.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
