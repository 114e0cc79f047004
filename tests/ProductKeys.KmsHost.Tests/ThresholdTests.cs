using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;

namespace ProductKeys.KmsHost.Tests;

/// <summary>docs/product.md §4: the activation threshold, the 30-day window, the cap, and persistence across restarts.</summary>
public sealed class ThresholdTests : IDisposable
{
    private readonly HostFixture _host = new();

    [Fact]
    public async Task Twenty_four_clients_are_refused_the_25th_activates_and_then_the_first_24_activate_on_retry()
    {
        for (var device = 1; device <= 24; device++)
        {
            var answer = (await _host.Activation.HandleAsync(_host.Request(device))).Value;
            Assert.False(answer.Activated);
            Assert.Equal(ErrorCatalogue.KmsCountInsufficient.Code, answer.Code);
            Assert.Equal(device, answer.Count);
            Assert.Equal(25, answer.Threshold);
            Assert.Null(answer.ClientCertificate);
        }

        var twentyFifth = (await _host.Activation.HandleAsync(_host.Request(25))).Value;
        Assert.True(twentyFifth.Activated);
        Assert.Null(twentyFifth.Code);
        Assert.Equal(25, twentyFifth.Count);

        _host.Clock.Advance(TimeSpan.FromHours(2));
        for (var device = 1; device <= 24; device++)
        {
            var retry = (await _host.Activation.HandleAsync(_host.Request(device))).Value;
            Assert.True(retry.Activated);
            Assert.Equal(25, retry.Count);
        }
    }

    [Fact]
    public async Task An_activated_answer_carries_a_client_certificate_that_verifies_through_the_chain()
    {
        for (var device = 1; device <= 4; device++)
        {
            await _host.Activation.HandleAsync(_host.Request(device, HostFixture.Server));
        }

        var answer = (await _host.Activation.HandleAsync(_host.Request(5, HostFixture.Server))).Value;
        var client = KmsClientCertificate.Verify(answer.ClientCertificate, answer.HostCertificate, _host.PublisherKeys, _host.Clock);
        Assert.True(client.IsSuccess, client.Refusal?.ToString());
        Assert.Equal("cmid-0005", client.Value.Cmid);
        Assert.Equal(HostFixture.Server, client.Value.ProductId);
        Assert.Equal(HostFixture.HardwareFor(5, HostFixture.Server), client.Value.HardwareId);
        Assert.Equal(_host.Identity.HostId, client.Value.Host.HostId);
        Assert.Equal(HostFixture.Start.AddDays(180), client.Value.Expires);
        Assert.Equal(7 * 24 * 60, answer.RenewalIntervalMinutes);
        Assert.Equal(120, answer.RetryIntervalMinutes);
    }

    [Fact]
    public async Task Thresholds_are_per_product()
    {
        for (var device = 1; device <= 10; device++)
        {
            await _host.Activation.HandleAsync(_host.Request(device, HostFixture.Desktop));
        }

        var server = (await _host.Activation.HandleAsync(_host.Request(100, HostFixture.Server))).Value;
        Assert.Equal(1, server.Count);
        Assert.False(server.Activated);
    }

    [Fact]
    public async Task The_same_client_asking_again_counts_once()
    {
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(1, (await _host.Activation.HandleAsync(_host.Request(1))).Value.Count);
        }
    }

    [Fact]
    public async Task A_client_unseen_for_30_days_leaves_the_count()
    {
        for (var device = 1; device <= 5; device++)
        {
            await _host.Activation.HandleAsync(_host.Request(device, HostFixture.Server));
        }

        _host.Clock.Advance(TimeSpan.FromDays(10));
        await _host.Activation.HandleAsync(_host.Request(6, HostFixture.Server));

        _host.Clock.Advance(TimeSpan.FromDays(20) - TimeSpan.FromSeconds(1));
        Assert.Equal(6, (await _host.Activation.HandleAsync(_host.Request(6, HostFixture.Server))).Value.Count);

        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        var answer = (await _host.Activation.HandleAsync(_host.Request(1, HostFixture.Server))).Value;
        Assert.Equal(2, answer.Count);
        Assert.False(answer.Activated);
    }

    [Fact]
    public async Task The_count_is_capped_at_twice_the_highest_threshold()
    {
        for (var device = 1; device <= 60; device++)
        {
            var answer = (await _host.Activation.HandleAsync(_host.Request(device))).Value;
            Assert.Equal(Math.Min(device, 50), answer.Count);
        }
    }

    [Fact]
    public async Task A_restart_keeps_the_count()
    {
        for (var device = 1; device <= 24; device++)
        {
            await _host.Activation.HandleAsync(_host.Request(device));
        }

        _host.Restart();
        var answer = (await _host.Activation.HandleAsync(_host.Request(25))).Value;
        Assert.True(answer.Activated);
        Assert.Equal(25, answer.Count);
    }

    [Fact]
    public async Task A_restart_keeps_an_acknowledged_activation()
    {
        for (var device = 1; device <= 5; device++)
        {
            await _host.Activation.HandleAsync(_host.Request(device, HostFixture.Server));
        }

        _host.Restart();
        var stored = _host.Database.Read(c => Convert.ToInt64(Counting.KmsTables.Scalar(c, "SELECT COUNT(*) FROM activations;"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, stored);
    }

    [Fact]
    public async Task Concurrent_clients_are_each_counted_once()
    {
        var answers = await Task.WhenAll(Enumerable.Range(1, 40).Select(device => Task.Run(async () => (await _host.Activation.HandleAsync(_host.Request(device))).Value)));
        Assert.Equal(Enumerable.Range(1, 40), answers.Select(a => a.Count).Order());
        Assert.Equal(16, answers.Count(a => a.Activated));
    }

    public void Dispose() => _host.Dispose();
}
