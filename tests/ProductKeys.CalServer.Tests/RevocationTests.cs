using ProductKeys.Core.Cal;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// The operator takes a permanent device CAL back into the pool (a retired device, or one a LAN client made up): the next
/// device waiting on a temporary CAL gets it; at most a fifth of the installed CALs in 89 days (while a revoked device's signed CAL may be valid); a temporary CAL is never
/// revoked (its device would come back to a new 90 days); nothing changes on a refusal.
/// </summary>
public sealed class RevocationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_revoked_permanent_CAL_goes_to_the_device_waiting_and_the_revoked_device_starts_again_as_a_first_connection()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerDevice, purchased: 10, installed: 10);
        await FillAsync(world, 10);
        Assert.Equal("Temporary", await world.DeviceAsync("waiting"));
        Assert.Equal("Temporary", await world.DeviceAsync("waiting"));

        var revoked = await world.Ledger.RevokeDeviceAsync("pc-3", Ct);

        Assert.True(revoked.IsSuccess, revoked.Refusal?.ToString());
        Assert.Equal((1L, 2L), (revoked.Value.Used, revoked.Value.Allowed));
        Assert.Equal(CalWorld.Start + CalPolicy.PermanentDeviceCalIdle, revoked.Value.SignedUntil);
        Assert.Equal(9, (await world.UsageAsync()).Permanent);
        Assert.Equal("Permanent", await world.DeviceAsync("waiting"));
        Assert.Equal("Temporary", await world.DeviceAsync("pc-3"));
        Assert.Equal(10, (await world.UsageAsync()).Permanent);
    }

    [Fact]
    public async Task At_most_a_fifth_of_the_installed_CALs_are_revoked_in_89_days_and_a_refusal_changes_nothing()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerDevice, purchased: 10, installed: 10);
        await FillAsync(world, 10);
        Assert.True((await world.Ledger.RevokeDeviceAsync("pc-0", Ct)).IsSuccess);
        world.Time.Advance(TimeSpan.FromDays(30));
        await FillAsync(world, 10); // every device keeps using its CAL; pc-0 is back on a temporary one
        Assert.True((await world.Ledger.RevokeDeviceAsync("pc-1", Ct)).IsSuccess);

        var third = await world.Ledger.RevokeDeviceAsync("pc-2", Ct);
        Assert.Equal("CONFLICT", third.Refusal?.Code);
        Assert.Contains("2 of the 2 revocations", third.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Equal("Permanent", await world.DeviceAsync("pc-2"));

        // 89 days after the first, once its signed CAL has expired (it verifies through its 89th day's second), one is allowed again.
        world.Time.Advance(TimeSpan.FromDays(59) + TimeSpan.FromSeconds(1));
        await FillAsync(world, 10);
        Assert.True((await world.Ledger.RevokeDeviceAsync("pc-2", Ct)).IsSuccess);
    }

    /// <summary>
    /// A hostile review: with a 60-day window, a second fifth was revoked 61 days after the first while the first fifth's
    /// signed CALs were still valid for 28 days: 14 devices served on 10 installed, not the 12 the limit is for.
    /// </summary>
    [Fact]
    public async Task A_second_fifth_is_not_revoked_while_the_first_fifths_signed_CALs_are_still_valid()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerDevice, purchased: 10, installed: 10);
        await FillAsync(world, 10);
        var first = await world.Ledger.RevokeDeviceAsync("pc-0", Ct);
        Assert.True(first.IsSuccess, first.Refusal?.ToString());
        Assert.True((await world.Ledger.RevokeDeviceAsync("pc-1", Ct)).IsSuccess);
        world.Time.Advance(TimeSpan.FromDays(61));
        await FillAsync(world, 10);
        Assert.True(first.Value.SignedUntil > world.Time.GetUtcNow());

        var refused = await world.Ledger.RevokeDeviceAsync("pc-2", Ct);

        Assert.Equal("CONFLICT", refused.Refusal?.Code);
        Assert.Contains($"allowed from {first.Value.SignedUntil.AddSeconds(1):yyyy-MM-dd HH:mm:ss} UTC", refused.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Equal("Permanent", await world.DeviceAsync("pc-2"));
    }

    /// <summary>
    /// A signed CAL verifies through its expiry second; the revocation counted only while strictly younger than 89 days, so in
    /// that one second a third CAL could be revoked with the first two revoked CALs still valid.
    /// </summary>
    [Fact]
    public async Task A_revocation_counts_through_the_last_second_its_revoked_CAL_verifies()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerDevice, purchased: 10, installed: 10);
        await FillAsync(world, 10);
        var first = await world.Ledger.RevokeDeviceAsync("pc-0", Ct);
        Assert.True(first.IsSuccess, first.Refusal?.ToString());
        Assert.True((await world.Ledger.RevokeDeviceAsync("pc-1", Ct)).IsSuccess);

        world.Time.Advance(first.Value.SignedUntil - world.Time.GetUtcNow());
        Assert.Equal(first.Value.SignedUntil, world.Time.GetUtcNow()); // the revoked CAL's last valid second (ArtifactVerifier: now > expires fails)
        var refused = await world.Ledger.RevokeDeviceAsync("pc-2", Ct);

        Assert.Equal("CONFLICT", refused.Refusal?.Code);
        Assert.Equal("Permanent", await world.DeviceAsync("pc-2"));
        world.Time.Advance(TimeSpan.FromSeconds(1)); // the first two revoked CALs no longer verify
        await FillAsync(world, 10);
        Assert.True((await world.Ledger.RevokeDeviceAsync("pc-2", Ct)).IsSuccess);
    }

    [Theory]
    [InlineData("never-seen", "NOT_FOUND")]
    [InlineData("temporary", "NOT_FOUND")]
    [InlineData("", "VALIDATION_FAILED")]
    [InlineData("pc\u200b-1", "VALIDATION_FAILED")]
    public async Task Only_a_held_permanent_CAL_is_revoked(string device, string code)
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerDevice, purchased: 1, installed: 1);
        await FillAsync(world, 1);
        Assert.Equal("Temporary", await world.DeviceAsync("temporary"));

        var refused = await world.Ledger.RevokeDeviceAsync(device, Ct);

        Assert.Equal(code, refused.Refusal?.Code);
        Assert.Equal((1, 1), ((await world.UsageAsync()).Permanent, (await world.UsageAsync()).Temporary));
        Assert.True((await world.Ledger.RevokeDeviceAsync("pc-0", Ct)).IsSuccess);
    }

    [Fact]
    public async Task A_permanent_CAL_that_lapsed_is_not_revoked_and_a_per_user_server_has_nothing_to_revoke()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerDevice, purchased: 1, installed: 1);
        await FillAsync(world, 1);
        world.Time.Advance(CalPolicy.PermanentDeviceCalIdle + TimeSpan.FromSeconds(1));
        Assert.Equal("NOT_FOUND", (await world.Ledger.RevokeDeviceAsync("pc-0", Ct)).Refusal?.Code);

        using var users = new CalWorld();
        await users.InstallAsync(CalMode.PerUser, purchased: 5);
        Assert.Equal("CAL_PACK_NOT_INSTALLED", (await users.Ledger.RevokeDeviceAsync("pc-0", Ct)).Refusal?.Code);
    }

    /// <summary>Devices pc-0 … pc-(n-1) connect twice: each holds a permanent CAL while any is free.</summary>
    private static async Task FillAsync(CalWorld world, int devices)
    {
        foreach (var pass in new[] { 1, 2 })
        {
            for (var i = 0; i < devices; i++)
            {
                await world.DeviceAsync($"pc-{i}");
            }
        }
    }
}
