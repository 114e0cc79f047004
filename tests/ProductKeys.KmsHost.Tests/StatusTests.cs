using ProductKeys.KmsHost.Status;

namespace ProductKeys.KmsHost.Tests;

/// <summary><c>pk kms-host status</c>'s content, read from the data folder like the command does.</summary>
public sealed class StatusTests : IDisposable
{
    private readonly HostFixture _host = new();

    [Fact]
    public async Task Status_shows_counts_thresholds_totals_and_oldest_and_newest_clients()
    {
        await _host.Activation.HandleAsync(_host.Request(1, HostFixture.Server));
        _host.Clock.Advance(TimeSpan.FromHours(1));
        await _host.Activation.HandleAsync(_host.Request(2, HostFixture.Server, state: "Licensed"));
        await _host.Activation.HandleAsync(_host.Request(3, "not-covered"));

        var status = KmsStatusReader.Read(_host.Folder.Path, _host.Clock);
        Assert.True(status.Activated);
        Assert.Equal(_host.Identity.HostId, status.HostId);
        Assert.Equal("ba-fabrikam", status.BillingAccount);
        var server = Assert.Single(status.Products, p => p.Product == HostFixture.Server);
        Assert.Equal((2, 5, false), (server.Count, server.Threshold!.Value, server.Activating));
        Assert.Equal((0, 25), (status.Products.Single(p => p.Product == HostFixture.Desktop).Count, status.Products.Single(p => p.Product == HostFixture.Desktop).Threshold!.Value));
        Assert.Equal(3, status.Requests);
        Assert.Equal(1, status.Failed);
        Assert.Equal(2, status.ByClientState["InitialGrace"]);
        Assert.Equal(1, status.ByClientState["Licensed"]);
        Assert.Equal(1, status.FailedByCode["KMS_PRODUCT_NOT_COVERED"]);
        Assert.Equal(2, status.BelowThreshold); // count 2 of a threshold of 5: both clients stay in their grace
        Assert.Equal("cmid-0001", status.OldestClient?.Cmid);
        Assert.Equal("cmid-0002", status.NewestClient?.Cmid);
        Assert.Empty(status.Warnings);
    }

    [Fact]
    public void Status_says_the_host_runs_only_while_it_holds_the_data_folder()
    {
        var running = KmsStatusReader.Read(_host.Folder.Path, _host.Clock);
        Assert.True(running.Running);
        Assert.DoesNotContain(running.Warnings, w => w.Contains("not running", StringComparison.Ordinal));

        _host.Database.Dispose();
        var stopped = KmsStatusReader.Read(_host.Folder.Path, _host.Clock);
        Assert.False(stopped.Running);
        Assert.Contains(stopped.Warnings, w => w.Contains("not running", StringComparison.Ordinal));
        _host.Restart();
        Assert.True(KmsStatusReader.Read(_host.Folder.Path, _host.Clock).Running);
    }

    [Fact]
    public async Task One_cmid_with_different_hardware_is_reported_as_a_likely_cloned_image()
    {
        await _host.Activation.HandleAsync(_host.Request(1));
        await _host.Activation.HandleAsync(_host.Request(1, hardware: HostFixture.HardwareFor(99)));
        var warning = Assert.Single(KmsStatusReader.Read(_host.Folder.Path, _host.Clock).Warnings);
        Assert.Contains("cmid-0001", warning, StringComparison.Ordinal);
        Assert.Contains("cloned", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_cmids_from_one_hardware_id_are_reported_as_a_client_making_up_cmids()
    {
        var one = HostFixture.HardwareFor(7);
        for (var i = 1; i <= 3; i++)
        {
            await _host.Activation.HandleAsync(_host.Request(i, hardware: one));
        }

        await _host.Activation.HandleAsync(_host.Request(4));
        var warning = Assert.Single(KmsStatusReader.Read(_host.Folder.Path, _host.Clock).Warnings);
        Assert.Contains(one, warning, StringComparison.Ordinal);
        Assert.Contains("3 different CMIDs", warning, StringComparison.Ordinal);

        _host.Clock.Advance(TimeSpan.FromDays(31));
        await _host.Activation.HandleAsync(_host.Request(1, hardware: one));
        Assert.Empty(KmsStatusReader.Read(_host.Folder.Path, _host.Clock).Warnings);
    }

    [Fact]
    public async Task A_cloned_cmid_stays_reported_while_both_machines_visit_and_drops_out_once_one_is_away_for_the_window()
    {
        var first = HostFixture.HardwareFor(1);
        var second = HostFixture.HardwareFor(99);
        await _host.Activation.HandleAsync(_host.Request(1, hardware: first));
        await _host.Activation.HandleAsync(_host.Request(1, hardware: second));
        Assert.Single(KmsStatusReader.Read(_host.Folder.Path, _host.Clock).Warnings);

        _host.Clock.Advance(TimeSpan.FromDays(28));
        await _host.Activation.HandleAsync(_host.Request(1, hardware: second));
        await _host.Activation.HandleAsync(_host.Request(1, hardware: first));
        _host.Clock.Advance(TimeSpan.FromDays(16));
        Assert.Single(KmsStatusReader.Read(_host.Folder.Path, _host.Clock).Warnings);

        await _host.Activation.HandleAsync(_host.Request(1, hardware: first));
        _host.Clock.Advance(TimeSpan.FromDays(15));
        await _host.Activation.HandleAsync(_host.Request(1, hardware: first));
        Assert.Empty(KmsStatusReader.Read(_host.Folder.Path, _host.Clock).Warnings);
    }

    [Fact]
    public void A_host_never_activated_says_so()
    {
        using var host = new HostFixture(activate: false);
        var status = KmsStatusReader.Read(host.Folder.Path, host.Clock);
        Assert.False(status.Activated);
        Assert.Contains(status.Warnings, w => w.Contains("not activated", StringComparison.Ordinal));
    }

    public void Dispose() => _host.Dispose();
}
