using System.Net;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Service.Hosting;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Persistence;

/// <summary>Two service nodes on one database take parallel orders: no serial twice, the audit chain intact.</summary>
public abstract class ConcurrencyTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Fact]
    public async Task Parallel_orders_on_two_nodes_never_share_a_serial_and_keep_the_audit_chain()
    {
        var client = fixture.Client;
        await using var second = await LicensingServiceHost.BuildAsync(fixture.Options, TestContext.Current.CancellationToken);
        await second.StartAsync(TestContext.Current.CancellationToken);
        using var secondClient = new HttpClient { BaseAddress = new Uri(second.Urls.First()) };
        var auditBefore = await fixture.WithDbAsync(db => db.AuditEntries.CountAsync());
        const int Orders = 40;

        var responses = await Task.WhenAll(Enumerable.Range(0, Orders).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing-accounts/{fixture.World.AccountA}/orders")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { product = TestWorld.Server, quantity = 1 + i }),
            };
            request.Headers.Authorization = new("Bearer", fixture.World.Tokens[TestWorld.Owner]);
            return await (i % 2 == 0 ? client : secondClient).SendAsync(request, TestContext.Current.CancellationToken);
        }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var serials = await fixture.WithDbAsync(db => db.Keys.Where(k => k.KeyGroup == 2002).Select(k => k.Serial).ToListAsync());
        Assert.Equal(serials.Count, serials.Distinct().Count());
        Assert.True(serials.Count >= Orders * 2);
        Assert.Equal(auditBefore + Orders, await fixture.WithDbAsync(db => db.AuditEntries.CountAsync()));
        var verify = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Publisher, "/api/v1/audit/verify"));
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
        await second.StopAsync(TestContext.Current.CancellationToken);
    }
}

public sealed class SqliteConcurrencyTests(SqliteFixture fixture) : ConcurrencyTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresConcurrencyTests(PostgresFixture fixture) : ConcurrencyTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
