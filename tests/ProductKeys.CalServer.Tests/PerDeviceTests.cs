using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// Per-device CALs (docs/product.md §5): temporary on the first connection, permanent while any is free,
/// the temporary one holds 90 days when none is, a permanent one idle 89 days returns to the pool.
/// </summary>
public sealed class PerDeviceTests
{
    [Fact]
    public async Task Five_hundred_and_one_devices_connecting_twice_hold_500_permanent_and_1_temporary_then_the_501st_is_refused_after_90_days()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerDevice, purchased: 500);
        var first = new List<string>();
        for (var i = 0; i <= 500; i++)
        {
            first.Add(await world.DeviceAsync($"pc-{i}"));
        }

        Assert.All(first, k => Assert.Equal("Temporary", k));
        var second = new List<string>();
        for (var i = 0; i <= 500; i++)
        {
            second.Add(await world.DeviceAsync($"pc-{i}"));
        }

        Assert.Equal(500, second.Count(k => k == "Permanent"));
        Assert.Equal("Temporary", second[500]);
        var usage = await world.UsageAsync();
        Assert.Equal((500, 1), (usage.Permanent, usage.Temporary));

        // Everyone keeps connecting; the 501st works on its temporary CAL until day 90, never after.
        world.Time.Advance(TimeSpan.FromDays(45));
        Assert.Equal(500, await CountAsync(world, 0, 500, "Permanent"));
        Assert.Equal("Temporary", await world.DeviceAsync("pc-500"));
        world.Time.Advance(TimeSpan.FromDays(45) - TimeSpan.FromSeconds(1));
        Assert.Equal("Temporary", await world.DeviceAsync("pc-500"));
        world.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(500, await CountAsync(world, 0, 500, "Permanent"));
        Assert.Equal("NO_DEVICE_CAL_AVAILABLE", await world.DeviceAsync("pc-500"));
        Assert.Equal(500, (await world.UsageAsync()).Permanent);
    }

    [Fact]
    public async Task A_permanent_CAL_idle_89_days_goes_to_the_device_waiting_on_a_temporary_one()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerDevice, purchased: 3, installed: 3);
        foreach (var pass in new[] { 1, 2 })
        {
            for (var i = 0; i < 4; i++)
            {
                await world.DeviceAsync($"pc-{i}");
            }
        }

        Assert.Equal("Temporary", await world.DeviceAsync("pc-3"));
        world.Time.Advance(TimeSpan.FromDays(60));
        Assert.Equal("Permanent", await world.DeviceAsync("pc-1"));
        Assert.Equal("Permanent", await world.DeviceAsync("pc-2"));
        Assert.Equal("Temporary", await world.DeviceAsync("pc-3"));

        world.Time.Advance(TimeSpan.FromDays(29));
        Assert.Equal("Temporary", await world.DeviceAsync("pc-3")); // pc-0 idle exactly 89 days: still its own
        world.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("Permanent", await world.DeviceAsync("pc-3"));
        Assert.Equal("Temporary", await world.DeviceAsync("pc-0")); // back after its CAL lapsed: a first connection again
        Assert.Equal(3, (await world.UsageAsync()).Permanent);
    }

    [Fact]
    public async Task A_device_CAL_verifies_offline_publisher_to_pack_to_CAL_and_only_for_its_own_device()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerDevice, purchased: 10);
        var answer = (await world.Ledger.RequestDeviceAsync("pc-1", TestContext.Current.CancellationToken)).Value;

        var cal = DeviceCal.Verify(answer.Cal, answer.PackCertificate, world.Trust, world.Time, "pc-1");
        Assert.True(cal.IsSuccess, cal.Refusal?.ToString());
        Assert.Equal((DeviceCalKind.Temporary, "pc-1", CalWorld.Start + CalPolicy.TemporaryDeviceCal), (cal.Value.Kind, cal.Value.DeviceId, cal.Value.Expires));
        Assert.Equal("SIGNATURE_INVALID", DeviceCal.Verify(answer.Cal, answer.PackCertificate, world.Trust, world.Time, "pc-2").Refusal?.Code);

        world.Time.Advance(CalPolicy.TemporaryDeviceCal + TimeSpan.FromSeconds(1));
        Assert.Equal("CERTIFICATE_EXPIRED", DeviceCal.Verify(answer.Cal, answer.PackCertificate, world.Trust, world.Time, "pc-1").Refusal?.Code);
    }

    [Fact]
    public async Task Forged_packs_packs_for_another_server_and_a_second_mode_are_refused_and_count_nothing()
    {
        using var world = new CalWorld();
        using var forger = Core.Signing.SigningKey.Generate();
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal("SIGNATURE_INVALID", (await world.Ledger.InstallPackAsync(world.SignPack(CalMode.PerDevice, 10, publisher: forger).Text, world.Pinned, ct)).Refusal?.Code);
        Assert.Equal("SIGNATURE_INVALID", (await world.Ledger.InstallPackAsync(world.SignPack(CalMode.PerDevice, 10, serverId: "cals-other").Text, world.Pinned, ct)).Refusal?.Code);
        var tampered = world.SignPack(CalMode.PerDevice, 10).Text;
        tampered = tampered[..^3] + (tampered[^3] == 'A' ? 'B' : 'A') + tampered[^2..];
        Assert.Equal("SIGNATURE_INVALID", (await world.Ledger.InstallPackAsync(tampered, world.Pinned, ct)).Refusal?.Code);
        Assert.Equal("CAL_PACK_NOT_INSTALLED", await world.DeviceAsync("pc-1"));

        await world.InstallAsync(CalMode.PerDevice, purchased: 10);
        Assert.Equal("CAL_MODE_MISMATCH", (await world.Ledger.InstallPackAsync(world.SignPack(CalMode.PerUser, 10).Text, world.Pinned, ct)).Refusal?.Code);
        Assert.Equal("CAL_PACK_NOT_INSTALLED", (await world.Ledger.RequestUserAsync("alice", ct)).Refusal?.Code);
        Assert.Single((await world.UsageAsync()).Packs);
    }

    private static async Task<int> CountAsync(CalWorld world, int from, int count, string kind)
    {
        var n = 0;
        for (var i = from; i < from + count; i++)
        {
            n += await world.DeviceAsync($"pc-{i}") == kind ? 1 : 0;
        }

        return n;
    }
}
