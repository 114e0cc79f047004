using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// The server's clock set wrong (docs/adr/0018-cal-server.md, "The ledger's clock"): never more permanent device CALs than
/// installed whatever the clock does, per-user CALs never blocked, device CALs that always verify, the problem reported.
/// </summary>
public sealed class ServerClockTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_clock_set_90_days_forward_and_back_never_leaves_more_permanent_device_CALs_than_installed()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerDevice, purchased: 2, installed: 2);
        Assert.Equal(["Temporary", "Temporary", "Permanent", "Permanent"],
            [await world.DeviceAsync("pc-0"), await world.DeviceAsync("pc-1"), await world.DeviceAsync("pc-0"), await world.DeviceAsync("pc-1")]);

        // 90 days ahead, the first two CALs look idle past 89 days: indistinguishable from time passing, they go to two new devices.
        using (var ahead = world.OpenLedger(new SettableClock(CalWorld.Start + TimeSpan.FromDays(90))))
        {
            foreach (var device in new[] { "pc-2", "pc-3", "pc-2", "pc-3" })
            {
                await ahead.RequestDeviceAsync(device, Ct);
            }

            Assert.Equal(2, (await ahead.UsageAsync(TimeSpan.FromDays(14), Ct)).Permanent);
        }

        // The clock comes back: the first two must not renew CALs the ledger already gave away.
        world.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("Temporary", await world.DeviceAsync("pc-0"));
        Assert.Equal("Temporary", await world.DeviceAsync("pc-1"));
        Assert.Equal("Permanent", await world.DeviceAsync("pc-2"));
        Assert.Equal(2, (await world.UsageAsync()).Permanent);
    }

    [Fact]
    public async Task A_ledger_clock_edited_past_year_9999_is_reported_and_per_user_CALs_are_still_served()
    {
        // pk cal-server report and every per-user request answered INTERNAL_ERROR ("Valid values are between …").
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerUser, purchased: 2, installed: 2);
        using (var edit = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={world.Folder.DatabaseFile};Pooling=False"))
        {
            edit.Open();
            using var command = edit.CreateCommand();
            command.CommandText = "UPDATE ledger_clock SET highest = 253402300800";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        Assert.Equal("Installed", await world.UserAsync("alice"));
        var usage = await world.UsageAsync();
        Assert.NotNull(usage.ClockProblem);
        Assert.Equal(9000, usage.At.Year);
    }

    [Fact]
    public async Task A_server_without_a_pack_reports_no_clock_problem()
    {
        // pk cal-server report on a folder serve had made, before any pack: INTERNAL_ERROR ("Valid values are between …").
        using var world = new CalWorld();
        var usage = await world.UsageAsync();
        Assert.Null(usage.ClockProblem);
        Assert.Empty(usage.Packs);
    }

    [Fact]
    public async Task A_pack_installed_again_with_fewer_CALs_lets_only_that_many_permanent_CALs_renew()
    {
        using var world = new CalWorld();
        var pack = await world.InstallAsync(CalMode.PerDevice, purchased: 2, installed: 3);
        foreach (var device in new[] { "pc-0", "pc-1", "pc-2", "pc-0", "pc-1", "pc-2" })
        {
            await world.DeviceAsync(device);
        }

        Assert.Equal(3, (await world.UsageAsync()).Permanent);
        var purchased = world.SignPack(CalMode.PerDevice, purchased: 2, installed: 2, packId: pack.PackId);
        Assert.True((await world.Ledger.InstallPackAsync(purchased.Text, world.Pinned, Ct)).IsSuccess);

        world.Time.Advance(TimeSpan.FromDays(1));
        var kinds = new[] { await world.DeviceAsync("pc-0"), await world.DeviceAsync("pc-1"), await world.DeviceAsync("pc-2") };
        Assert.Equal(2, kinds.Count(k => k == "Permanent"));
        Assert.Equal(2, (await world.UsageAsync()).Permanent);
    }

    [Theory]
    [InlineData(3 * 60)]
    [InlineData(24 * 60 * 60)]
    public async Task A_server_clock_behind_the_packs_issue_time_still_serves_users_and_signs_device_CALs_that_verify(int behindSeconds)
    {
        var real = new SettableClock(CalWorld.Start + TimeSpan.FromSeconds(behindSeconds));
        using var users = new CalWorld();
        await InstallAtAsync(users, CalMode.PerUser, real);
        Assert.Equal("Installed", await users.UserAsync("alice"));

        using var devices = new CalWorld();
        await InstallAtAsync(devices, CalMode.PerDevice, real);
        var answer = await devices.Ledger.RequestDeviceAsync("pc-1", Ct);
        Assert.True(answer.IsSuccess, answer.Refusal?.ToString());
        var cal = DeviceCal.Verify(answer.Value.Cal, answer.Value.PackCertificate, devices.Trust, real, "pc-1");
        Assert.True(cal.IsSuccess, cal.Refusal?.ToString());
    }

    [Fact]
    public async Task The_report_names_a_clock_behind_the_packs_or_behind_the_ledger_as_a_clock_problem()
    {
        using var behind = new CalWorld();
        await InstallAtAsync(behind, CalMode.PerUser, new SettableClock(CalWorld.Start + TimeSpan.FromDays(1)));
        Assert.Contains("behind the issue time of an installed pack", (await behind.UsageAsync()).ClockProblem, StringComparison.Ordinal);

        using var jumped = new CalWorld();
        await jumped.InstallAsync(CalMode.PerUser, purchased: 5);
        Assert.Null((await jumped.UsageAsync()).ClockProblem);
        using (var ahead = jumped.OpenLedger(new SettableClock(CalWorld.Start + TimeSpan.FromDays(30))))
        {
            await ahead.RequestUserAsync("bob", Ct);
        }

        var usage = await jumped.UsageAsync();
        Assert.Contains("behind the time the CAL ledger has already used", usage.ClockProblem, StringComparison.Ordinal);
        Assert.Equal(CalWorld.Start + TimeSpan.FromDays(30), usage.At);
    }

    /// <summary>The publisher signs the pack at <paramref name="real"/> time and it is installed then; the world's ledger runs behind.</summary>
    private static async Task InstallAtAsync(CalWorld world, CalMode mode, TimeProvider real)
    {
        using var installer = world.OpenLedger(real);
        var installed = await installer.InstallPackAsync(world.SignPack(mode, 10, publisherClock: real).Text, world.Pinned, Ct);
        Assert.True(installed.IsSuccess, installed.Refusal?.ToString());
    }
}
