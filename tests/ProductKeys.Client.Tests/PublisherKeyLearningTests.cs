using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Tests;

/// <summary>
/// A device learns rotated publisher keys only through signed key lists that chain from what it already
/// trusts; a withdrawn key stops verifying; the kept lists cannot be edited into more trust (ADR 0024).
/// </summary>
public sealed class PublisherKeyLearningTests : IDisposable
{
    private const string Product = "desktop";
    private static readonly string Mak = ProductKey.Derive(KeyType.Mak, 5, 9, new byte[32]).ToString();

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-learn-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeHardware _hardware = new();
    private readonly SigningKey _old = SigningKey.Generate();
    private readonly SigningKey _new = SigningKey.Generate();
    private readonly SigningKey _attacker = SigningKey.Generate();

    [Fact]
    public void A_device_that_trusts_the_old_key_learns_the_new_one_and_then_its_withdrawal()
    {
        var license = Pinned(new DeviceLicense(new LicenseStore(_folder), _clock, _hardware), _old);
        license.InstallKey(Mak, Product);
        Assert.Equal(LicenseState.Licensed, license.ApplyCertificate(Certificate(_old, license)).Value.Status.State);
        Assert.False(license.ApplyCertificate(Certificate(_new, license)).IsSuccess);

        var learned = license.LearnPublisherKeys([Withdrawal(), RotationSignedBy(_old)]).Value;

        // Both lists count (the rotation makes the withdrawal's signer trusted), in sequence order.
        Assert.Equal(2, learned.Sequence);
        Assert.Equal([_new.KeyId], learned.KeyIds);
        Assert.Equal([_new.KeyId], learned.Learned);
        Assert.Equal([_old.KeyId], learned.Dropped);
        // The certificate signed by the withdrawn key no longer holds; one from the new key does.
        Assert.NotEqual(LicenseState.Licensed, license.Status().Value.Status.State);
        Assert.Equal(LicenseState.Licensed, license.ApplyCertificate(Certificate(_new, license)).Value.Status.State);
        Assert.Equal(LicenseState.Licensed, new DeviceLicense(new LicenseStore(_folder), _clock, _hardware).Status().Value.Status.State);
    }

    [Fact]
    public void Lists_signed_by_untrusted_keys_or_older_than_the_last_teach_nothing()
    {
        var license = Pinned(new DeviceLicense(new LicenseStore(_folder), _clock, _hardware), _old);
        license.InstallKey(Mak, Product);
        var forged = PublisherKeyList.Sign(new ArtifactSigner(_attacker, _clock), 9, _attacker.KeyId, new TrustedKeySet(_attacker.PublicKey, _old.PublicKey), []).ToText();

        var nothing = license.LearnPublisherKeys([forged, RotationSignedBy(_new)]).Value;
        Assert.Equal(0, nothing.Sequence);
        Assert.Equal([_old.KeyId], nothing.KeyIds);

        license.LearnPublisherKeys([RotationSignedBy(_old), Withdrawal()]);
        var replayed = license.LearnPublisherKeys([RotationSignedBy(_old)]).Value;
        Assert.Equal(2, replayed.Sequence);
        Assert.Equal([_new.KeyId], replayed.KeyIds);
    }

    [Fact]
    public void With_trust_anchors_a_list_the_user_writes_into_the_store_adds_no_key()
    {
        // The product's embedded keys are the anchors: the store's own pins and lists cannot widen them.
        var anchored = new DeviceLicense(new LicenseStore(_folder), _clock, _hardware, new TrustedKeySet(_old.PublicKey));
        anchored.InstallKey(Mak, Product);
        var forged = PublisherKeyList.Sign(new ArtifactSigner(_attacker, _clock), 1, _attacker.KeyId, new TrustedKeySet(_attacker.PublicKey), []).ToText();
        anchored.Configure(l => l with { PublisherKeyLists = [forged] });

        Assert.False(anchored.ApplyCertificate(Certificate(_attacker, anchored)).IsSuccess);
        Assert.True(anchored.LearnPublisherKeys([RotationSignedBy(_old)]).IsSuccess);
        Assert.Equal(LicenseState.Licensed, anchored.ApplyCertificate(Certificate(_new, anchored)).Value.Status.State);
    }

    [Fact]
    public void An_edited_list_makes_the_store_tampered_and_teaches_nothing()
    {
        var license = Pinned(new DeviceLicense(new LicenseStore(_folder), _clock, _hardware), _old);
        license.InstallKey(Mak, Product);
        license.LearnPublisherKeys([RotationSignedBy(_old)]);
        var path = Path.Combine(_folder, "license.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["publisherKeyLists"] = new JsonArray(PublisherKeyList.Sign(new ArtifactSigner(_attacker, _clock), 5, _attacker.KeyId, new TrustedKeySet(_attacker.PublicKey), []).ToText());
        File.WriteAllText(path, json.ToJsonString());

        var status = license.Status().Value.Status;
        Assert.Equal("STORE_TAMPERED", status.Code);
        Assert.False(license.ApplyCertificate(Certificate(_attacker, license)).IsSuccess);
    }

    [Fact]
    public void A_device_that_trusts_no_key_cannot_start_learning()
    {
        var license = new DeviceLicense(new LicenseStore(_folder), _clock, _hardware);
        license.InstallKey(Mak, Product);

        Assert.Equal("VALIDATION_FAILED", license.LearnPublisherKeys([RotationSignedBy(_old)]).Refusal?.Code);
    }

    public void Dispose()
    {
        _old.Dispose();
        _new.Dispose();
        _attacker.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static DeviceLicense Pinned(DeviceLicense license, SigningKey publisher)
    {
        Assert.True(license.Configure(l => l with { TrustedKeys = [publisher.PublicKey.ToPem()] }).IsSuccess);
        return license;
    }

    private string RotationSignedBy(SigningKey signer) =>
        PublisherKeyList.Sign(new ArtifactSigner(signer, _clock), 1, _new.KeyId, new TrustedKeySet(_old.PublicKey, _new.PublicKey), []).ToText();

    private string Withdrawal() =>
        PublisherKeyList.Sign(new ArtifactSigner(_new, _clock), 2, _new.KeyId, new TrustedKeySet(_new.PublicKey), [_old.KeyId]).ToText();

    private string Certificate(SigningKey key, DeviceLicense license) =>
        ActivationCertificate.Issue(new ArtifactSigner(key, _clock), "act-1", Product, "key-1", Mak[^5..], license.CurrentHardwareId().Value.ToString()).Text;
}
