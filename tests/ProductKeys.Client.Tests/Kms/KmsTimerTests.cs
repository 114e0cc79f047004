using ProductKeys.Client.Activation;
using ProductKeys.Client.Kms;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Renewal;
using ProductKeys.Core.Errors;

namespace ProductKeys.Client.Tests.Kms;

/// <summary>docs/product.md §3 timers for KMS clients, on a fake clock.</summary>
public sealed class KmsTimerTests : IDisposable
{
    private readonly KmsWorld _world = new();

    public KmsTimerTests() => _world.License.Configure(l => l with { KmsHost = "kms.corp.test" });

    [Fact]
    public void An_activated_client_is_due_for_renewal_after_7_days()
    {
        Assert.True(_world.Activate().IsSuccess);
        Assert.Equal(KmsWorld.Start.AddDays(7), _world.Stored.NextRenewalDue);

        _world.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.False(KmsSchedule.IsDue(_world.Stored, _world.Clock.GetUtcNow()));
        _world.Asked.Clear();
        Assert.Equal(RenewalAction.NothingDue, RenewIfDue().Action);
        Assert.Empty(_world.Asked);

        _world.Clock.Advance(TimeSpan.FromSeconds(1));
        var renewed = RenewIfDue();
        Assert.Equal(RenewalAction.Renewed, renewed.Action);
        Assert.Single(_world.Asked);
        Assert.Equal(_world.Clock.GetUtcNow().AddDays(180), renewed.Status?.Expires);
        Assert.Equal(_world.Clock.GetUtcNow().AddDays(7), _world.Stored.NextRenewalDue);
    }

    [Fact]
    public void A_client_not_yet_activated_retries_after_2_hours()
    {
        _world.Respond = (_, _) => _world.NotYet(3);
        var first = _world.Activate();
        Assert.Equal(ErrorCatalogue.KmsCountInsufficient.Code, first.Refusal?.Code);
        Assert.Contains("3 of the 25", first.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Equal(KmsWorld.Start.AddHours(2), _world.Stored.NextRenewalDue);
        Assert.Equal(LicenseState.InitialGrace, _world.License.Status().Value.Status.State);
    }

    [Fact]
    public void A_failed_renewal_retries_after_2_hours_and_the_device_stays_licensed()
    {
        Assert.True(_world.Activate().IsSuccess);
        _world.Clock.Advance(TimeSpan.FromDays(7));
        _world.Respond = (host, _) => new Refusal(ErrorCatalogue.KmsUnreachable, $"{host}: connection refused");
        var failed = RenewIfDue();
        Assert.Equal(ErrorCatalogue.KmsUnreachable.Code, failed.Refusal?.Code);
        Assert.Equal(_world.Clock.GetUtcNow().AddHours(2), _world.Stored.NextRenewalDue);
        Assert.Equal(LicenseState.Licensed, _world.License.Status().Value.Status.State);
    }

    [Fact]
    public void The_hosts_intervals_override_the_defaults_within_15_minutes_and_30_days()
    {
        _world.RenewalMinutes = 24 * 60;
        Assert.True(_world.Activate().IsSuccess);
        Assert.Equal(KmsWorld.Start.AddDays(1), _world.Stored.NextRenewalDue);

        _world.RenewalMinutes = 60 * 24 * 365;
        _world.Clock.Advance(TimeSpan.FromDays(1));
        Assert.True(_world.Activate().IsSuccess);
        Assert.Equal(_world.Clock.GetUtcNow().AddDays(30), _world.Stored.NextRenewalDue);

        _world.RetryMinutes = 1;
        _world.Respond = (_, _) => _world.NotYet(1);
        _world.Activate();
        Assert.Equal(_world.Clock.GetUtcNow().AddMinutes(15), _world.Stored.NextRenewalDue);
    }

    [Fact]
    public void Without_renewal_the_activation_lapses_at_180_days_into_30_days_of_grace_then_notification()
    {
        Assert.True(_world.Activate().IsSuccess);
        _world.Clock.Advance(TimeSpan.FromDays(180) - TimeSpan.FromSeconds(1));
        Assert.Equal(LicenseState.Licensed, _world.License.Status().Value.Status.State);

        _world.Clock.Advance(TimeSpan.FromSeconds(1));
        var lapsed = _world.License.Status().Value;
        Assert.Equal(LicenseState.OutOfToleranceGrace, lapsed.Status.State);
        Assert.Equal(KmsWorld.Start.AddDays(210), lapsed.Status.GraceEnds);
        Assert.Equal(ActivationCheck.Holds, lapsed.Check);

        _world.Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        Assert.Equal(LicenseState.OutOfToleranceGrace, _world.License.Status().Value.Status.State);
        _world.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(LicenseState.Notification, _world.License.Status().Value.Status.State);

        // Renewing through the host brings it back.
        Assert.Equal(LicenseState.Licensed, _world.Activate().Value.Status.State);
    }

    [Fact]
    public void The_client_sends_its_state_its_clock_and_one_stable_cmid()
    {
        var requests = new List<Core.Contracts.KmsActivationRequest>();
        _world.Respond = (_, request) =>
        {
            requests.Add(request);
            return _world.NotYet(1);
        };
        _world.Activate();
        _world.Activate();
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Cmid, requests[1].Cmid);
        Assert.Equal(32, requests[0].Cmid!.Length);
        Assert.Equal("InitialGrace", requests[0].ClientState);
        Assert.Equal(KmsWorld.Start, requests[0].ClientTime);
    }

    public void Dispose() => _world.Dispose();

    private RenewalAttempt RenewIfDue()
    {
        using var http = new HttpClient();
        return new LicenseRenewal(_world.License, new LicensingServiceClient(http), _world.Settings, _world.Clock)
            .RenewIfDueAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult();
    }
}
