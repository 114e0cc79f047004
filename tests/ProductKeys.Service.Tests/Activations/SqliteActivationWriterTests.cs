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
        await RenameComponentsTableAsync("MakActivationComponents", "ComponentsAway");

        var failed = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device($"unlucky-{i}", TestWorld.Desktop))));

        Assert.All(failed, r => Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode));
        Assert.Equal(0, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
        Assert.Equal(0, await fixture.WithDbAsync(db => db.MakActivations.CountAsync(a => a.KeyId == keyId)));

        await RenameComponentsTableAsync("ComponentsAway", "MakActivationComponents");
        var written = await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device("unlucky-0", TestWorld.Desktop));

        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        Assert.Equal(1, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
        Assert.Equal(1, await fixture.WithDbAsync(db => db.MakActivations.CountAsync(a => a.KeyId == keyId)));
        Assert.NotEqual(0, await fixture.WithDbAsync(db => db.MakActivationComponents.CountAsync(c => c.KeyId == keyId)));
    }

    private async Task RenameComponentsTableAsync(string from, string to)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(fixture.DataDirectory, DatabaseSettings.SqliteFileName)};Default Timeout=30");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""ALTER TABLE "{from}" RENAME TO "{to}";""";
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
