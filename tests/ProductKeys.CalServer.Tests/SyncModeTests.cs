using ProductKeys.CalServer.Data;
using ProductKeys.Core.Cal;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// <c>--sync auto</c> (docs/adr/0018-cal-server.md, "Durability"): commits are flushed to the disk (FULL) unless every
/// pack installed is per user, whose CALs are never refused for count; an explicit mode is kept whatever the packs.
/// </summary>
public sealed class SyncModeTests
{
    private const long Normal = 1;
    private const long Full = 2;

    [Theory]
    [InlineData(null, CalSyncMode.Auto, CalSyncMode.Full, Full)]
    [InlineData(CalMode.PerUser, CalSyncMode.Auto, CalSyncMode.Normal, Normal)]
    [InlineData(CalMode.PerDevice, CalSyncMode.Auto, CalSyncMode.Full, Full)]
    [InlineData(CalMode.PerDevice, CalSyncMode.Normal, CalSyncMode.Normal, Normal)]
    [InlineData(CalMode.PerUser, CalSyncMode.Full, CalSyncMode.Full, Full)]
    public async Task Auto_is_normal_only_for_per_user_packs_and_an_explicit_mode_is_kept(CalMode? installed, CalSyncMode asked, CalSyncMode resolved, long pragma)
    {
        using var world = new CalWorld();
        if (installed is { } mode)
        {
            await world.InstallAsync(mode, purchased: 5);
        }

        // The server as 'pk cal-server serve --sync …' opens it, beside the folder's first ledger.
        using var identity = CalServerIdentity.LoadOrCreate(world.Folder).Value;
        using var ledger = CalLedger.Open(world.Folder, identity, world.Time, asked).Value;

        Assert.Equal(resolved, ledger.Sync);
        Assert.Equal(pragma, ledger.SynchronousSetting());
    }
}
