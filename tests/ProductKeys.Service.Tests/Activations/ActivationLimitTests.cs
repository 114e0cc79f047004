using Microsoft.EntityFrameworkCore;
using ProductKeys.Data.Keys;
using ProductKeys.Service.Activations;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Activations;

/// <summary>
/// The activation limit's one home, <see cref="ActivationLimit.ConsumeSql"/>, as a table on each
/// database: a key consumes only while it is active and used &lt; limit, and a refusal changes nothing.
/// The expected column is computed here, not taken from the service.
/// </summary>
public abstract class ActivationLimitTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Theory]
    [InlineData(0, 1, KeyStatus.Active)]
    [InlineData(4, 5, KeyStatus.Active)]
    [InlineData(5, 5, KeyStatus.Active)]
    [InlineData(6, 5, KeyStatus.Active)]
    [InlineData(0, 5, KeyStatus.Blocked)]
    [InlineData(5, 5, KeyStatus.Blocked)]
    public async Task A_key_consumes_only_while_active_and_under_its_limit(int used, int limit, KeyStatus status)
    {
        var expected = status == KeyStatus.Active && used < limit;
        var (keyId, _) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 1);
        await fixture.WithDbAsync(db => db.Keys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s
            .SetProperty(k => k.ActivationsUsed, used).SetProperty(k => k.ActivationLimit, limit).SetProperty(k => k.Status, status)));

        var returned = await fixture.WithDbAsync(async db =>
        {
            await using var command = await MakActivationRows.CommandAsync(db, ActivationLimit.ConsumeSql, TestContext.Current.CancellationToken);
            MakActivationRows.Bind(command, "key", MakActivationRows.Value(db, keyId));
            return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        });
        var after = await fixture.WithDbAsync(db => db.Keys.Where(k => k.Id == keyId).Select(k => k.ActivationsUsed).SingleAsync());

        Assert.Equal(expected, returned is not null);
        Assert.Equal(expected ? used + 1 : used, after);
        if (expected)
        {
            Assert.Equal(used + 1, Convert.ToInt32(returned, System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}

public sealed class SqliteActivationLimitTests(SqliteFixture fixture) : ActivationLimitTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresActivationLimitTests(PostgresFixture fixture) : ActivationLimitTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
