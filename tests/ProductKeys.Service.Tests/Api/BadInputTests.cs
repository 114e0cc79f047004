using Microsoft.EntityFrameworkCore;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Api;

/// <summary>Bad input gets a clear refusal with a code, never a 500, and changes nothing.</summary>
public abstract class BadInputTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Theory]
    [MemberData(nameof(BadInputCases.Names), MemberType = typeof(BadInputCases))]
    public async Task Bad_input_is_refused_with_its_code_and_leaves_the_database_unchanged(string name)
    {
        var (send, status, code) = BadInputCases.All[name];
        var before = await CountRowsAsync();

        var response = await send(fixture);

        await Problems.AssertAsync(response, status, code);
        Assert.Equal(before, await CountRowsAsync());
    }

    private Task<string> CountRowsAsync() => fixture.WithDbAsync(async db => string.Join(',',
        await db.Orders.CountAsync(), await db.KeyPackages.CountAsync(), await db.Keys.CountAsync(), await db.AccountRoles.CountAsync(),
        await db.Users.CountAsync(), await db.ApiTokens.CountAsync(), await db.Organizations.CountAsync(),
        await db.BillingAccounts.CountAsync(), await db.Products.CountAsync(), await db.AuditEntries.CountAsync(),
        await db.KeyGroupCounters.SumAsync(c => c.NextSerial)));
}

public sealed class SqliteBadInputTests(SqliteFixture fixture) : BadInputTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresBadInputTests(PostgresFixture fixture) : BadInputTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
