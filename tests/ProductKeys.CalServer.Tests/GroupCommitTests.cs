using Microsoft.Data.Sqlite;
using ProductKeys.CalServer.Data;
using ProductKeys.Core.Cal;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// Requests queued together share one transaction and one commit (<see cref="GroupCommit"/>), yet each
/// sees the writes of those before it, one that fails is rolled back alone, and nothing is answered
/// before the commit that holds it.
/// </summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-cal-group-commit-").FullName;

    [Fact]
    public async Task Requests_queued_together_commit_once_and_a_failing_one_is_rolled_back_alone()
    {
        var file = Path.Combine(_folder, "t.db");
        using var connection = CalTables.Open(file);
        CalTables.Execute(connection, "PRAGMA journal_mode = WAL; CREATE TABLE t (name TEXT PRIMARY KEY);");
        using var observer = CalTables.Open(file);
        using var gate = new SemaphoreSlim(1, 1);
        using var statements = new PreparedStatements(connection);
        var commits = new GroupCommit(statements, gate, new CommitDurability(statements, CalSyncMode.Full));
        long Rows(SqliteConnection c) => CalTables.Scalar(c, "SELECT COUNT(*) FROM t");
        long? seenByOthersDuringB = null;

        // The gate is taken, so all three queue; whoever gets it next runs them as one batch.
        await gate.WaitAsync(TestContext.Current.CancellationToken);
        var a = commits.RunAsync(() => statements.Execute("INSERT INTO t VALUES ('a')"), TestContext.Current.CancellationToken);
        var b = commits.RunAsync<int>(() =>
        {
            statements.Execute("INSERT INTO t VALUES ('b')");
            seenByOthersDuringB = Rows(observer);
            throw new InvalidOperationException("b fails after its write");
        }, TestContext.Current.CancellationToken);
        var c = commits.RunAsync(() =>
        {
            statements.Execute("INSERT INTO t VALUES ('c')");
            return statements.Scalar("SELECT COUNT(*) FROM t");
        }, TestContext.Current.CancellationToken);
        Assert.False(a.IsCompleted || b.IsCompleted || c.IsCompleted);
        gate.Release();

        Assert.Equal(1, await a);
        await Assert.ThrowsAsync<InvalidOperationException>(() => b);
        Assert.Equal(2, await c); // a's write is seen, b's was rolled back
        Assert.Equal(0, seenByOthersDuringB); // a was not committed on its own before b ran: one transaction
        Assert.Equal(["a", "c"], Names(observer));
    }

    [Fact]
    public async Task Six_hundred_users_at_once_on_a_500_pack_are_500_installed_and_100_over_used()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerUser, purchased: 500);
        var answers = await Task.WhenAll(Enumerable.Range(0, 600).Select(i => Task.Run(() => world.UserAsync($"user-{i}"))));

        Assert.Equal(500, answers.Count(p => p == "Installed"));
        Assert.Equal(100, answers.Count(p => p == "OverUsed"));
        var usage = await world.UsageAsync();
        Assert.Equal((500, 100), (usage.IssuedUsers, usage.OverUsedUsers));
    }

    [Fact]
    public async Task One_device_asking_20_times_at_once_gets_one_temporary_CAL_then_the_same_CAL_permanent()
    {
        using var world = new CalWorld();
        await world.InstallAsync(CalMode.PerDevice, purchased: 5, installed: 5);
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
            (await world.Ledger.RequestDeviceAsync("thin-client-1", TestContext.Current.CancellationToken)).Value)));

        Assert.Single(answers, a => a.Kind == "Temporary");
        Assert.Equal(19, answers.Count(a => a.Kind == "Permanent"));
        Assert.Single(answers.Select(a => a.CalId).Distinct());
        var usage = await world.UsageAsync();
        Assert.Equal((1, 0), (usage.Permanent, usage.Temporary));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static List<string> Names(SqliteConnection connection)
    {
        using var command = CalTables.Command(connection, "SELECT name FROM t ORDER BY name");
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
