using Microsoft.Data.Sqlite;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// One user or device is one CAL however its name is cased (docs/product.md §5, CalPolicy.CanonicalName):
/// Windows compares account and computer names without case, so "Alice" and "alice" counted twice inflated the report.
/// </summary>
public sealed class NameFormTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Alice_alice_ALICE_and_José_JOSÉ_hold_one_CAL_each()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerUser, purchased: 2, installed: 2);
        foreach (var user in new[] { "Alice", "alice", "ALICE", "Jos\u00e9", "JOS\u00c9" })
        {
            Assert.Equal((user, "Installed"), (user, await world.UserAsync(user)));
        }

        var usage = await world.UsageAsync();
        Assert.Equal((2, 0), (usage.IssuedUsers, usage.OverUsedUsers));
        Assert.Equal("alice", (await world.Ledger.RequestUserAsync("alice", Ct)).Value.User); // answered as asked
        Assert.Equal("OverUsed", await world.UserAsync("carol"));
    }

    [Fact]
    public async Task PC_1_and_pc_1_are_one_device_its_CAL_names_it_as_asked_and_it_is_revoked_by_either_name()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerDevice, purchased: 1, installed: 1);
        Assert.Equal("Temporary", await world.DeviceAsync("PC-1"));
        var answer = (await world.Ledger.RequestDeviceAsync("pc-1", Ct)).Value;
        Assert.Equal(("Permanent", "pc-1"), (answer.Kind, answer.Device));

        var cal = DeviceCal.Verify(answer.Cal, answer.PackCertificate, world.Trust, world.Time, "pc-1");
        Assert.Equal("pc-1", cal.Value.DeviceId);
        Assert.True(DeviceCal.Verify(answer.Cal, answer.PackCertificate, world.Trust, world.Time, "PC-1").IsSuccess);
        Assert.Equal("SIGNATURE_INVALID", DeviceCal.Verify(answer.Cal, answer.PackCertificate, world.Trust, world.Time, "pc-2").Refusal?.Code);

        Assert.Equal("Temporary", await world.DeviceAsync("pc-2"));
        Assert.Equal("Temporary", await world.DeviceAsync("PC-2")); // the one permanent CAL is PC-1's
        var usage = await world.UsageAsync();
        Assert.Equal((1, 1), (usage.Permanent, usage.Temporary));

        Assert.True((await world.Ledger.RevokeDeviceAsync("Pc-1", Ct)).IsSuccess);
        Assert.Equal("Permanent", await world.DeviceAsync("pc-2"));
    }

    [Fact]
    public async Task A_ledger_written_under_names_as_sent_merges_them_on_open_keeping_the_held_CAL_and_never_more_permanent_than_before()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerUser, purchased: 3, installed: 3);
        var now = world.Time.GetUtcNow().ToUnixTimeSeconds();
        var day = (long)TimeSpan.FromDays(1).TotalSeconds;
        using (var old = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = world.Folder.DatabaseFile, Pooling = false }.ToString()))
        {
            old.Open();
            using var write = old.CreateCommand();
            write.CommandText = $"""
                INSERT INTO user_cals (user, pool, first_used, last_used) VALUES
                    ('ALICE', 'Installed', {now - 90 * day}, {now - 70 * day}),
                    ('Alice', 'Installed', {now - 20 * day}, {now - 10 * day}),
                    ('alice', 'OverUsed', {now - 5 * day}, {now - 1 * day}),
                    ('bob', 'Installed', {now - 3 * day}, {now - 3 * day});
                INSERT INTO device_cals (device, kind, cal_id, first_seen, temporary_expires, last_used) VALUES
                    ('PC-1', 'Permanent', 'aaaaaaaaaaaaaaaa', {now - 30 * day}, {now + 60 * day}, {now - 5 * day}),
                    ('Pc-1', 'Permanent', 'bbbbbbbbbbbbbbbb', {now - 30 * day}, {now + 60 * day}, {now - 2 * day}),
                    ('pc-1', 'Temporary', 'cccccccccccccccc', {now - 1 * day}, {now + 89 * day}, {now - 1 * day}),
                    ('pc-9', 'Permanent', 'dddddddddddddddd', {now - 200 * day}, {now - 110 * day}, {now - 100 * day}),
                    ('PC-9', 'Temporary', 'eeeeeeeeeeeeeeee', {now - 1 * day}, {now + 89 * day}, {now - 1 * day});
                UPDATE ledger_clock SET highest = {now};
                PRAGMA user_version = 0;
                """;
            write.ExecuteNonQuery();
        }

        using (var opened = world.OpenLedger(world.Time))
        {
            var usage = await opened.UsageAsync(TimeSpan.FromDays(14), Ct);
            Assert.Equal((2, 0, 1), (usage.IssuedUsers, usage.OverUsedUsers, usage.Permanent));
            Assert.Equal("Installed", (await opened.RequestUserAsync("alice", Ct)).Value.Pool);
        }

        using var check = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = world.Folder.DatabaseFile, Pooling = false }.ToString());
        check.Open();
        Assert.Equal(["ALICE Installed", "BOB Installed"], Rows(check, "SELECT user || ' ' || pool FROM user_cals ORDER BY user"));
        Assert.Equal(
            [$"PC-1 Permanent bbbbbbbbbbbbbbbb {now - 2 * day}", $"PC-9 Temporary eeeeeeeeeeeeeeee {now - 1 * day}"],
            Rows(check, "SELECT device || ' ' || kind || ' ' || cal_id || ' ' || last_used FROM device_cals ORDER BY device"));
    }

    private static List<string> Rows(SqliteConnection connection, string sql)
    {
        using var read = connection.CreateCommand();
        read.CommandText = sql;
        using var reader = read.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
