using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Data;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Activations;

/// <summary>
/// SQLite's group-commit writer: a batch that cannot be written answers every request in it with
/// an error and leaves nothing behind (no count consumed, no row); the writer then goes on.
/// </summary>
public sealed class SqliteActivationWriterTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task A_batch_that_fails_consumes_nothing_and_the_next_one_is_written()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        // Reads go on (the device match reads this table); only writing to it fails, inside the writer's batch.
        await ExecuteAsync("""CREATE TRIGGER "refuse_components" BEFORE INSERT ON "MakActivationComponents" BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;""");

        var failed = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device($"unlucky-{i}", TestWorld.Desktop))));

        Assert.All(failed, r => Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode));
        Assert.Equal(0, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
        Assert.Equal(0, await fixture.WithDbAsync(db => db.MakActivations.CountAsync(a => a.KeyId == keyId)));

        await ExecuteAsync("""DROP TRIGGER "refuse_components";""");
        var written = await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device("unlucky-0", TestWorld.Desktop));

        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        Assert.Equal(1, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
        Assert.Equal(1, await fixture.WithDbAsync(db => db.MakActivations.CountAsync(a => a.KeyId == keyId)));
        Assert.NotEqual(0, await fixture.WithDbAsync(db => db.MakActivationComponents.CountAsync(c => c.KeyId == keyId)));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(fixture.DataDirectory, DatabaseSettings.SqliteFileName)};Default Timeout=30");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
