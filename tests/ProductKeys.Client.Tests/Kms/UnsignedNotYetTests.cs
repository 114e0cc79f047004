using ProductKeys.Client.Kms;
using ProductKeys.Client.Licensing;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;

namespace ProductKeys.Client.Tests.Kms;

/// <summary>
/// A "not yet" answer carries no certificate, so any machine on the network can send it (found by a hostile review:
/// a rogue host listed first in DNS, answering "not yet" with 30-day intervals, set the device's renewal and retry to
/// 30 days and became the host asked first, so the real hosts were never asked). It neither ends the attempt, nor
/// is cached, nor lengthens a timer; a shorter retry is still taken.
/// </summary>
public sealed class UnsignedNotYetTests : IAsyncLifetime
{
    private const string Name = "_pk-kms._tcp.corp.test";
    private const int ThirtyDays = 30 * 24 * 60;
    private readonly KmsWorld _world = new();
    private DnsmasqServer _dns = null!;

    public async ValueTask InitializeAsync() =>
        _dns = await DnsmasqServer.StartAsync(
            [$"{Name},rogue.corp.test,16881,10,0", $"{Name},kms.corp.test,16882,20,0"],
            Name,
            TestContext.Current.CancellationToken);

    [Fact]
    public void A_not_yet_from_the_first_host_does_not_stop_the_next_from_activating_nor_become_the_cached_host()
    {
        _world.Respond = (host, request) => host.Host == "rogue.corp.test" ? RogueNotYet() : _world.Activated(request);

        var report = _world.Activate(Settings());

        Assert.True(report.IsSuccess, report.Refusal?.ToString());
        Assert.Equal(LicenseState.Licensed, report.Value.Status.State);
        Assert.Equal(["rogue.corp.test:16881", "kms.corp.test:16882"], _world.Asked.Select(h => h.ToString()));
        Assert.Equal("kms.corp.test:16882", _world.Stored.KmsCachedHost);
        Assert.Equal(KmsWorld.Start.AddDays(7), _world.Stored.NextRenewalDue);
    }

    [Fact]
    public void When_every_host_says_not_yet_the_device_retries_on_its_own_timer_and_caches_none()
    {
        _world.Respond = (host, _) => RogueNotYet();

        var report = _world.Activate(Settings());

        Assert.Equal(ErrorCatalogue.KmsCountInsufficient.Code, report.Refusal?.Code);
        Assert.Equal(2, _world.Asked.Count);
        Assert.Null(_world.Stored.KmsCachedHost);
        Assert.Null(_world.Stored.KmsRenewalInterval);
        Assert.Null(_world.Stored.KmsRetryInterval);
        Assert.Equal(KmsWorld.Start.AddHours(2), _world.Stored.NextRenewalDue);
    }

    [Fact]
    public void A_shorter_retry_from_a_not_yet_is_taken_within_the_bounds()
    {
        _world.Respond = (_, _) => _world.NotYet(1) with { RetryIntervalMinutes = 30 };

        _world.Activate(Settings());

        Assert.Equal(KmsWorld.Start.AddMinutes(30), _world.Stored.NextRenewalDue);
    }

    public ValueTask DisposeAsync()
    {
        _dns.Dispose();
        _world.Dispose();
        return ValueTask.CompletedTask;
    }

    private KmsClientSettings Settings() => new(_world, new DnsSrvResolver(_dns.EndPoint), "corp.test");

    private KmsActivationResponse RogueNotYet() =>
        _world.NotYet(1) with { RenewalIntervalMinutes = ThirtyDays, RetryIntervalMinutes = ThirtyDays };
}
