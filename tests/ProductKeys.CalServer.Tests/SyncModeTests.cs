using ProductKeys.CalServer.Data;
using ProductKeys.Core.Cal;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// <c>--sync</c> (docs/adr/0018-cal-server.md, "Durability"): in the default <c>auto</c> the connection runs
/// <c>synchronous=NORMAL</c> and exactly the batches that grant or renew a permanent device CAL are flushed to the
/// disk; <c>full</c> flushes every commit by itself, <c>normal</c> none.
/// </summary>
public sealed class SyncModeTests
{
    private const long Normal = 1;
    private const long Full = 2;

    [Fact]
    public async Task Auto_flushes_the_batches_that_grant_or_renew_a_permanent_device_CAL_and_no_others()
    {
        using var world = new CalWorld(); // opened with the default, auto
        await world.InstallAsync(CalMode.PerDevice, purchased: 1, installed: 1);
        Assert.Equal(CalSyncMode.Auto, world.Ledger.Sync);
        Assert.Equal((Normal, 0), world.Ledger.DurabilityState());

        Assert.Equal("Temporary", await world.DeviceAsync("pc-1")); // a first connection: nothing counted
        Assert.Equal((Normal, 0), world.Ledger.DurabilityState());
        Assert.Equal("Permanent", await world.DeviceAsync("pc-1")); // granted: counts against the pack
        Assert.Equal((Normal, 1), world.Ledger.DurabilityState());
        Assert.Equal("Permanent", await world.DeviceAsync("pc-1")); // renewed: moves when it returns to the pool
        Assert.Equal((Normal, 2), world.Ledger.DurabilityState());
        Assert.Equal("Temporary", await world.DeviceAsync("pc-2")); // none free: its temporary CAL, nothing to flush
        Assert.Equal("Temporary", await world.DeviceAsync("pc-2"));
        Assert.Equal((Normal, 2), world.Ledger.DurabilityState());
    }

    [Theory]
    [InlineData(CalSyncMode.Full, Full)]
    [InlineData(CalSyncMode.Normal, Normal)]
    public async Task Full_and_normal_never_add_a_flush_of_their_own(CalSyncMode mode, long synchronous)
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerDevice, purchased: 5);
        using var identity = CalServerIdentity.LoadOrCreate(world.Folder).Value;
        using var ledger = CalLedger.Open(world.Folder, identity, world.Time, mode).Value; // as 'pk cal-server serve --sync …'

        foreach (var _ in Enumerable.Range(0, 3))
        {
            Assert.True((await ledger.RequestDeviceAsync("pc-1", TestContext.Current.CancellationToken)).IsSuccess);
        }

        Assert.Equal(mode, ledger.Sync);
        Assert.Equal((synchronous, 0), ledger.DurabilityState());
    }
}
