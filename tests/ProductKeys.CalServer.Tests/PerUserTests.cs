using ProductKeys.CalServer.Data;
using ProductKeys.CalServer.Reports;
using ProductKeys.Core.Cal;

namespace ProductKeys.CalServer.Tests;

/// <summary>Per-user CALs never block a session: installed ones while free, then the over-used pool (docs/product.md §5).</summary>
public sealed class PerUserTests
{
    [Fact]
    public async Task Six_hundred_users_on_one_500_pack_are_all_served_500_issued_and_100_over_used()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerUser, purchased: 500);

        var pools = new List<string>();
        for (var i = 0; i < 600; i++)
        {
            pools.Add(await world.UserAsync($"user-{i}"));
        }

        Assert.Equal(500, pools.Count(p => p == "Installed"));
        Assert.Equal(100, pools.Count(p => p == "OverUsed"));
        Assert.All(pools.Take(500), p => Assert.Equal("Installed", p));
        var usage = await world.UsageAsync();
        Assert.Equal((500, 100), (usage.IssuedUsers, usage.OverUsedUsers));
        Assert.Equal("Installed", await world.UserAsync("user-7"));
        Assert.Equal("OverUsed", await world.UserAsync("user-599"));
    }

    [Fact]
    public async Task A_200_CAL_pack_installs_showing_500_and_the_report_says_purchased_200()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerUser, purchased: 200);
        for (var i = 0; i < 300; i++)
        {
            await world.UserAsync($"user-{i}");
        }

        var report = CalReport.From(world.ServerId, await world.UsageAsync());
        var mode = Assert.Single(report.Modes);
        Assert.Equal(("PerUser", 200L, 500L, 300L, 0L), (mode.Mode, mode.Purchased, mode.Installed, mode.Issued, mode.OverUsed));
        Assert.Contains("mode,,,PerUser,1,200,500,300,0,0,0,0", report.ToCsv(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_users_CAL_returns_to_the_pool_60_days_after_its_last_use_and_an_over_used_user_then_gets_it()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerUser, purchased: 2, installed: 2);
        Assert.Equal("Installed", await world.UserAsync("alice"));
        Assert.Equal("Installed", await world.UserAsync("bob"));
        Assert.Equal("OverUsed", await world.UserAsync("carol"));

        world.Time.Advance(TimeSpan.FromDays(59));
        Assert.Equal("Installed", await world.UserAsync("bob"));
        Assert.Equal("OverUsed", await world.UserAsync("carol"));
        world.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        // alice last used her CAL 60 days and a second ago: it is free again.
        Assert.Equal("Installed", await world.UserAsync("carol"));
        Assert.Equal("OverUsed", await world.UserAsync("alice"));
        var usage = await world.UsageAsync();
        Assert.Equal((2, 1), (usage.IssuedUsers, usage.OverUsedUsers));
    }

    [Fact]
    public async Task Without_a_pack_of_the_mode_a_CAL_is_refused_with_CAL_PACK_NOT_INSTALLED()
    {
        using var world = new CalWorld();
        Assert.Equal("CAL_PACK_NOT_INSTALLED", (await world.Ledger.RequestUserAsync("alice", TestContext.Current.CancellationToken)).Refusal?.Code);
        await world.InstallAsync(CalMode.PerUser, purchased: 5);
        Assert.Equal("CAL_PACK_NOT_INSTALLED", await world.DeviceAsync("pc-1"));
    }

    [Fact]
    public async Task A_server_of_the_other_mode_says_which_CALs_it_serves_instead_of_install_a_pack()
    {
        // Installing a pack of the other mode is CAL_MODE_MISMATCH: "install one" sent the user to a step that is refused.
        var ct = TestContext.Current.CancellationToken;
        using (var devices = new CalWorld())
        {
            await devices.InstallAsync(CalMode.PerDevice, purchased: 5);
            var refused = (await devices.Ledger.RequestUserAsync("bob", ct)).Refusal;
            Assert.Equal("CAL_PACK_NOT_INSTALLED", refused?.Code);
            Assert.Contains("serves per-device CALs", refused!.Detail, StringComparison.Ordinal);
            Assert.Contains("--device ID", refused.Detail, StringComparison.Ordinal);
            Assert.Contains("per-user CAL server", refused.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("install", refused.Detail, StringComparison.OrdinalIgnoreCase);
        }

        using var users = new CalWorld();
        await users.InstallAsync(CalMode.PerUser, purchased: 5);
        foreach (var refused in new[] { (await users.Ledger.RequestDeviceAsync("pc-1", ct)).Refusal, (await users.Ledger.RevokeDeviceAsync("pc-1", ct)).Refusal })
        {
            Assert.Equal("CAL_PACK_NOT_INSTALLED", refused?.Code);
            Assert.Contains("serves per-user CALs", refused!.Detail, StringComparison.Ordinal);
            Assert.Contains("per-device CAL server", refused.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("install", refused.Detail, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_pack_installed_by_another_process_beside_the_running_server_is_served_at_once()
    {
        // The running server read its packs (none) and keeps them until the database changes under it.
        using var world = new CalWorld();
        Assert.Equal("CAL_PACK_NOT_INSTALLED", (await world.Ledger.RequestUserAsync("alice", TestContext.Current.CancellationToken)).Refusal?.Code);

        // 'pk cal-server install-pack' on the same folder: a ledger of its own, as another process opens it.
        using (var identity = CalServerIdentity.LoadOrCreate(world.Folder).Value)
        using (var installer = CalLedger.Open(world.Folder, identity, world.Time).Value)
        {
            var installed = await installer.InstallPackAsync(world.SignPack(CalMode.PerUser, purchased: 1, installed: 1).Text, world.Pinned, TestContext.Current.CancellationToken);
            Assert.True(installed.IsSuccess, installed.Refusal?.ToString());
        }

        Assert.Equal("Installed", await world.UserAsync("alice"));
        Assert.Equal("OverUsed", await world.UserAsync("bob"));
    }
}
