using ProductKeys.Client.Licensing;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Tests.Kms;

/// <summary>docs/product.md §4: the device believes a KMS activation only through the chain publisher → host → client.</summary>
public sealed class KmsChainTests : IDisposable
{
    private readonly KmsWorld _world = new();

    public KmsChainTests() => _world.License.Configure(l => l with { KmsHost = "kms.corp.test:16880" });

    [Fact]
    public void A_genuine_chain_activates_the_device_for_180_days()
    {
        var report = _world.Activate();
        Assert.True(report.IsSuccess, report.Refusal?.ToString());
        Assert.Equal(LicenseState.Licensed, report.Value.Status.State);
        Assert.Equal(KmsWorld.Start.AddDays(180), report.Value.Status.Expires);
        Assert.Equal(ActivationKind.Kms, _world.Stored.Activation!.Kind);
        Assert.Equal(ActivationCheck.Holds, report.Value.Check);
    }

    [Fact]
    public void A_host_the_publisher_never_activated_cannot_activate_anyone()
    {
        using var impostor = SigningKey.Generate();
        var selfMade = KmsWorld.IssueHostCertificate(impostor, _world.HostKey, _world.Clock);
        _world.Respond = (_, request) => _world.Activated(request, host: selfMade);
        AssertRefusedAndNotLicensed(ErrorCatalogue.SignatureInvalid);
    }

    [Fact]
    public void A_client_certificate_from_an_unknown_host_is_refused()
    {
        using var otherHost = SigningKey.Generate();
        var otherCertificate = KmsWorld.IssueHostCertificate(_world.Publisher, otherHost, _world.Clock);
        _world.Respond = (_, request) => _world.Activated(request, signer: otherHost, host: otherCertificate, attached: _world.HostCertificate);
        var refused = AssertRefusedAndNotLicensed(ErrorCatalogue.SignatureInvalid);
        Assert.Contains("Client certificate", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_host_certificate_is_refused()
    {
        var expiring = KmsWorld.IssueHostCertificate(_world.Publisher, _world.HostKey, _world.Clock, expires: KmsWorld.Start.AddDays(1));
        _world.Clock.Advance(TimeSpan.FromDays(2));
        _world.Respond = (_, request) => _world.Activated(request, host: expiring);
        AssertRefusedAndNotLicensed(ErrorCatalogue.CertificateExpired);
    }

    [Fact]
    public void A_certificate_for_another_device_is_refused()
    {
        var otherDevice = Core.Devices.HardwareId.FromDeviceId("device-2", KmsWorld.Product).Value.ToString();
        _world.Respond = (_, request) => _world.Activated(request, hardwareId: otherDevice);
        AssertRefusedAndNotLicensed(ErrorCatalogue.HardwareOutOfTolerance);
    }

    [Fact]
    public void A_stored_chain_altered_on_disk_counts_for_nothing()
    {
        Assert.True(_world.Activate().IsSuccess);
        using var impostor = SigningKey.Generate();
        var forged = KmsWorld.IssueHostCertificate(impostor, _world.HostKey, _world.Clock);
        var store = _world.License.Store;
        var stored = _world.Stored;
        store.Save(stored with { Activation = stored.Activation! with { HostCertificate = forged.Text } });

        var status = _world.License.Status().Value;
        Assert.Equal(ActivationCheck.Invalid, status.Check);
        Assert.NotEqual(LicenseState.Licensed, status.Status.State);
    }

    [Fact]
    public void An_older_certificate_of_this_device_answered_again_does_not_shorten_the_activation_it_holds()
    {
        // Day 0: activated until day 180. The answer is recorded, as anyone on the network may record it.
        KmsActivationResponse? recorded = null;
        _world.Respond = (_, request) => recorded = _world.Activated(request);
        Assert.True(_world.Activate().IsSuccess);

        // Day 100: renewed until day 280.
        _world.Clock.Advance(TimeSpan.FromDays(100));
        _world.Respond = (_, request) => _world.Activated(request);
        Assert.Equal(KmsWorld.Start.AddDays(280), _world.Activate().Value.Status.Expires);

        // Day 107: the next renewal is answered with day 0's certificate, still valid (until day 180).
        _world.Clock.Advance(TimeSpan.FromDays(7));
        _world.Respond = (_, _) => recorded!;
        var replayed = _world.Activate();

        Assert.Equal(ErrorCatalogue.Conflict.Code, replayed.Refusal?.Code);
        Assert.Equal(KmsWorld.Start.AddDays(280), _world.Stored.Activation!.Expires);
        Assert.Equal(KmsWorld.Start.AddDays(280), _world.License.Status().Value.Status.Expires);
    }

    [Fact]
    public void An_answer_lapsing_less_than_a_day_before_the_activation_held_is_kept_as_from_a_host_whose_clock_is_behind()
    {
        // Day 0's answer lapses on day 180. Twelve hours later a renewal runs to day 180.5. Day 0's answer given now is what a
        // host whose clock is 12 hours behind answers in good faith (its clock + 180 days): kept, not CONFLICT.
        KmsActivationResponse? behind = null;
        _world.Respond = (_, request) => behind = _world.Activated(request);
        Assert.True(_world.Activate().IsSuccess);
        _world.Clock.Advance(TimeSpan.FromHours(12));
        _world.Respond = (_, request) => _world.Activated(request);
        Assert.Equal(KmsWorld.Start.AddDays(180.5), _world.Activate().Value.Status.Expires);

        _world.Clock.Advance(TimeSpan.FromHours(1));
        _world.Respond = (_, _) => behind!;
        var renewed = _world.Activate();

        Assert.True(renewed.IsSuccess, renewed.Refusal?.ToString());
        Assert.Equal(KmsWorld.Start.AddDays(180), _world.Stored.Activation!.Expires);
    }

    [Fact]
    public void An_expiry_edited_into_the_store_does_not_stop_the_host_from_activating_the_device_again()
    {
        Assert.True(_world.Activate().IsSuccess);
        var stored = _world.Stored;
        _world.License.Store.Save(stored with { Activation = stored.Activation! with { Expires = DateTimeOffset.MaxValue } });
        Assert.NotEqual(LicenseState.Licensed, _world.License.Status().Value.Status.State);
        // The tampered store dropped its pinned keys: the operator pins the publisher's again, as STORE_TAMPERED asks.
        Assert.True(_world.License.Configure(l => l with { TrustedKeys = [_world.Publisher.PublicKey.ToPem()] }).IsSuccess);

        _world.Clock.Advance(TimeSpan.FromDays(1));
        var again = _world.Activate();

        Assert.True(again.IsSuccess, again.Refusal?.ToString());
        Assert.Equal(LicenseState.Licensed, again.Value.Status.State);
        Assert.Equal(KmsWorld.Start.AddDays(181), again.Value.Status.Expires);
    }

    public void Dispose() => _world.Dispose();

    private Refusal AssertRefusedAndNotLicensed(ErrorCode expected)
    {
        var report = _world.Activate();
        Assert.False(report.IsSuccess);
        Assert.Equal(expected.Code, report.Refusal.Code);
        Assert.Null(_world.Stored.Activation);
        Assert.Equal(LicenseState.InitialGrace, _world.License.Status().Value.Status.State);
        return report.Refusal;
    }
}
