using ProductKeys.Client.Renewal;
using ProductKeys.Client.Tests.Kms;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Kms;

namespace ProductKeys.Client.Tests.Renewal;

/// <summary>The renewal loop a product runs, on a fake clock: what it does at start and when it looks again.</summary>
public sealed class LicenseRenewalTests : IAsyncDisposable
{
    private readonly RenewalWorld _world = new();

    public LicenseRenewalTests() => _world.Kms.License.Configure(l => l with { KmsHost = "kms.corp.test" });

    [Fact]
    public async Task At_start_the_client_activates_then_renews_7_days_later_within_the_jitter_window()
    {
        _world.Start();
        var first = await _world.NextAttemptAsync();
        Assert.Equal(RenewalAction.Activated, first.Action);
        Assert.InRange(first.At, KmsWorld.Start, KmsWorld.Start.AddMinutes(30));
        Assert.Equal(first.At.AddDays(7), first.NextDue);
        Assert.InRange(first.NextAttempt!.Value, first.NextDue!.Value, first.NextDue.Value + RenewalJitter.MaxWindow);

        var second = await _world.AdvanceToAsync(first.NextAttempt.Value);
        Assert.Equal(RenewalAction.Renewed, second.Action);
        Assert.Equal(2, _world.Kms.Asked.Count);
        // Certificates carry whole seconds.
        Assert.InRange(second.Status!.Expires!.Value, second.At.AddDays(180).AddSeconds(-1), second.At.AddDays(180));
        Assert.Equal(second.At.AddDays(7), _world.Kms.Stored.NextRenewalDue);
    }

    [Fact]
    public async Task While_the_host_has_too_few_devices_the_client_retries_every_2_hours()
    {
        _world.Kms.Respond = (_, _) => _world.Kms.NotYet(3);
        _world.Start();
        var first = await _world.NextAttemptAsync();
        Assert.Equal(RenewalAction.Failed, first.Action);
        Assert.Equal(ErrorCatalogue.KmsCountInsufficient.Code, first.Refusal?.Code);
        Assert.Equal(first.At.AddHours(2), first.NextDue);
        Assert.InRange(first.NextAttempt!.Value, first.NextDue!.Value, first.NextDue.Value + TimeSpan.FromMinutes(30));

        var second = await _world.AdvanceToAsync(first.NextAttempt.Value);
        Assert.Equal(RenewalAction.Failed, second.Action);
        Assert.Equal(second.At.AddHours(2), second.NextDue);

        _world.Kms.Respond = (_, request) => _world.Kms.Activated(request);
        var third = await _world.AdvanceToAsync(second.NextAttempt!.Value);
        Assert.Equal(RenewalAction.Activated, third.Action);
        Assert.Equal(3, _world.Kms.Asked.Count);
    }

    [Fact]
    public async Task A_failed_renewal_retries_after_2_hours_and_the_device_stays_licensed()
    {
        _world.Start();
        var activated = await _world.NextAttemptAsync();
        _world.Kms.Respond = (host, _) => new Refusal(ErrorCatalogue.KmsUnreachable, $"KMS host {host}: connection refused.");

        var failed = await _world.AdvanceToAsync(activated.NextAttempt!.Value);
        Assert.Equal(RenewalAction.Failed, failed.Action);
        Assert.Equal(Client.Licensing.LicenseState.Licensed, failed.Status!.State);
        Assert.Equal(failed.At.AddHours(2), failed.NextDue);
    }

    [Fact]
    public async Task The_hosts_intervals_set_the_schedule_within_their_bounds()
    {
        _world.Kms.RenewalMinutes = 24 * 60;
        _world.Start();
        var first = await _world.NextAttemptAsync();
        Assert.Equal(first.At.AddDays(1), first.NextDue);

        _world.Kms.RenewalMinutes = 1;   // below the 15-minute floor
        var second = await _world.AdvanceToAsync(first.NextAttempt!.Value);
        Assert.Equal(second.At + KmsProtocol.MinInterval, second.NextDue);
        Assert.InRange(second.NextAttempt!.Value, second.NextDue!.Value, second.NextDue.Value + TimeSpan.FromMinutes(3.75));
    }

    [Fact]
    public async Task Nothing_is_sent_before_the_renewal_is_due()
    {
        _world.Start();
        var first = await _world.NextAttemptAsync();
        _world.Kms.Asked.Clear();

        _world.Kms.Clock.Advance(first.NextDue!.Value - _world.Kms.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        var pass = await _world.Renewal.RenewIfDueAsync(TestContext.Current.CancellationToken);
        Assert.Equal(RenewalAction.NothingDue, pass.Action);
        Assert.Empty(_world.Kms.Asked);
    }

    public ValueTask DisposeAsync() => _world.DisposeAsync();
}
