using System.Net;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Data.Accounts;
using ProductKeys.Service.Hosting;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Persistence;

/// <summary>Owners revoking each other at once on two nodes: the account always keeps an owner.</summary>
public abstract class LastOwnerRaceTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Fact]
    public async Task Concurrent_revocations_on_two_nodes_never_remove_the_last_owner()
    {
        await using var second = await LicensingServiceHost.BuildAsync(fixture.Options, TestContext.Current.CancellationToken);
        await second.StartAsync(TestContext.Current.CancellationToken);
        using var secondClient = new HttpClient { BaseAddress = new Uri(second.Urls.First()) };
        string[] owners = ["User-Owner", "BillingAdministrator-Owner", "GlobalAdministrator-Owner"];
        var requests = owners.SelectMany(caller => owners.Where(o => o != caller).Select(target => (caller, target))).ToList();

        var answers = await Task.WhenAll(requests.Select(async (r, i) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/billing-accounts/{fixture.World.AccountA}/roles/{r.target}");
            request.Headers.Authorization = new("Bearer", fixture.World.Tokens[r.caller]);
            return (await (i % 2 == 0 ? fixture.Client : secondClient).SendAsync(request, TestContext.Current.CancellationToken)).StatusCode;
        }));

        var remaining = await fixture.WithDbAsync(db => db.AccountRoles.CountAsync(r => r.BillingAccountId == fixture.World.AccountA && r.Role == AccountRole.Owner));
        Assert.Equal(1, remaining);
        Assert.Equal(2, answers.Count(a => a == HttpStatusCode.NoContent));
        Assert.All(answers, a => Assert.True(a is HttpStatusCode.NoContent or HttpStatusCode.Forbidden or HttpStatusCode.Conflict or HttpStatusCode.NotFound, a.ToString()));
        await second.StopAsync(TestContext.Current.CancellationToken);
    }
}

public sealed class SqliteLastOwnerRaceTests(SqliteFixture fixture) : LastOwnerRaceTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresLastOwnerRaceTests(PostgresFixture fixture) : LastOwnerRaceTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
