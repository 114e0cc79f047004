using ProductKeys.Client.Kms;
using ProductKeys.Client.Licensing;
using ProductKeys.Core.Errors;

namespace ProductKeys.Client.Tests.Kms;

/// <summary>docs/product.md §4 discovery against a real DNS server (dnsmasq on loopback).</summary>
public sealed class DnsDiscoveryTests : IAsyncLifetime
{
    private const string Name = "_pk-kms._tcp.corp.test";
    private readonly KmsWorld _world = new();
    private DnsmasqServer _dns = null!;

    public async ValueTask InitializeAsync() =>
        _dns = await DnsmasqServer.StartAsync(
            [
                $"{Name},kms-a.corp.test,16881,10,60",
                $"{Name},kms-b.corp.test,16882,10,40",
                $"{Name},kms-backup.corp.test,16883,20,0",
            ],
            Name,
            TestContext.Current.CancellationToken);

    [Fact]
    public async Task The_resolver_reads_priority_weight_and_port_from_real_dns()
    {
        var records = await new DnsSrvResolver(_dns.EndPoint).ResolveAsync(Name, TestContext.Current.CancellationToken);
        Assert.Equal(
            ["kms-a.corp.test:16881:10:60", "kms-b.corp.test:16882:10:40", "kms-backup.corp.test:16883:20:0"],
            records.Select(r => $"{r.Target}:{r.Port}:{r.Priority}:{r.Weight}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(0, "kms-a.corp.test:16881", "kms-b.corp.test:16882")]
    [InlineData(60, "kms-a.corp.test:16881", "kms-b.corp.test:16882")]
    [InlineData(61, "kms-b.corp.test:16882", "kms-a.corp.test:16881")]
    [InlineData(100, "kms-b.corp.test:16882", "kms-a.corp.test:16881")]
    public async Task Hosts_are_tried_by_priority_then_by_weighted_draw(int draw, string first, string second)
    {
        var draws = new Queue<int>([draw, 0, 0]);
        var order = await KmsHostLocator.CandidatesAsync(_world.Stored, new DnsSrvResolver(_dns.EndPoint), "corp.test",
            max => Math.Min(draws.Dequeue(), max), TestContext.Current.CancellationToken);
        Assert.Equal([first, second, "kms-backup.corp.test:16883"], order.Select(a => a.ToString()));
    }

    [Fact]
    public void When_the_first_hosts_fail_the_next_one_activates_and_is_remembered()
    {
        var settings = new KmsClientSettings(_world, new DnsSrvResolver(_dns.EndPoint), "corp.test");
        _world.Respond = (host, request) => host.Host == "kms-backup.corp.test"
            ? _world.Activated(request)
            : new Refusal(ErrorCatalogue.KmsUnreachable, $"{host}: connection refused");

        var report = _world.Activate(settings);
        Assert.True(report.IsSuccess, report.Refusal?.ToString());
        Assert.Equal(LicenseState.Licensed, report.Value.Status.State);
        Assert.Equal(3, _world.Asked.Count);
        Assert.Equal("kms-backup.corp.test:16883", _world.Stored.KmsCachedHost);

        _world.Asked.Clear();
        _world.Activate(settings);
        Assert.Equal("kms-backup.corp.test:16883", _world.Asked[0].ToString());
        Assert.Single(_world.Asked);
    }

    [Fact]
    public void When_no_host_answers_the_device_is_told_kms_unreachable_and_forgets_the_cached_host()
    {
        var settings = new KmsClientSettings(_world, new DnsSrvResolver(_dns.EndPoint), "corp.test");
        _world.Respond = (host, _) => new Refusal(ErrorCatalogue.KmsUnreachable, $"{host}: connection refused");
        var report = _world.Activate(settings);
        Assert.Equal(ErrorCatalogue.KmsUnreachable.Code, report.Refusal?.Code);
        Assert.Equal(3, _world.Asked.Count);
        Assert.Null(_world.Stored.KmsCachedHost);
        Assert.Equal(KmsWorld.Start.AddHours(2), _world.Stored.NextRenewalDue);
    }

    [Fact]
    public void A_domain_without_records_leaves_nothing_to_try()
    {
        var settings = new KmsClientSettings(_world, new DnsSrvResolver(_dns.EndPoint), "elsewhere.test");
        Assert.Equal(ErrorCatalogue.KmsUnreachable.Code, _world.Activate(settings).Refusal?.Code);
        Assert.Empty(_world.Asked);
    }

    public ValueTask DisposeAsync()
    {
        _dns.Dispose();
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
