using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Activations;
using ProductKeys.Service.Activations;
using ProductKeys.Service.Tests.Activations;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Operations;

/// <summary>
/// PostgreSQL stopped under a serving node and started again, as an operator's restart does
/// (docs/adr/0029-load-balancer-and-outages.md): while it is down every endpoint answers 503
/// DATABASE_UNREACHABLE with Retry-After (it answered 500 INTERNAL_ERROR, which says "a bug" and
/// which no load balancer retries); once it is back the node serves at once, with no request lost
/// to a connection that died with the old server; a writer lane whose batch failed writes again.
/// </summary>
public sealed class DatabaseOutageOnPostgresTests(PrivatePostgresFixture node) : IClassFixture<PrivatePostgresFixture>
{
    [Fact]
    public async Task While_PostgreSQL_is_down_every_endpoint_answers_503_with_Retry_After_and_the_node_serves_again_once_it_is_back()
    {
        var (_, key) = await ActivationWorld.OrderKeyAsync(node, TestWorld.Desktop, 10);
        var known = ActivationWorld.Device("outage-known", TestWorld.Desktop);
        var fresh = ActivationWorld.Device("outage-fresh", TestWorld.Desktop);
        Assert.Equal(HttpStatusCode.OK, (await ActivationWorld.ActivateAsync(node.Client, key, TestWorld.Desktop, known)).StatusCode);

        await node.Server.StopAsync();
        try
        {
            // The first on a pooled connection that died with the server, the second on a refused one.
            await AssertUnreachableAsync(await ActivationWorld.ActivateAsync(node.Client, key, TestWorld.Desktop, fresh));
            await AssertUnreachableAsync(await ActivationWorld.ActivateAsync(node.Client, key, TestWorld.Desktop, fresh));
            await AssertUnreachableAsync(await node.GetAsync(ActivationWorld.Owner, "/api/v1/me"));
            await AssertUnreachableAsync(await node.PostJsonAsync(null, "/api/v1/sessions", new { user = ActivationWorld.Owner, password = TestWorld.Password }));

            var ready = await Problems.OkJsonAsync(await node.GetAsync(null, "/healthz/ready"), HttpStatusCode.ServiceUnavailable);
            Assert.Equal("unhealthy", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, (await node.GetAsync(null, "/healthz/live")).StatusCode);
        }
        finally
        {
            await node.Server.StartAgainAsync();
        }

        // The very first request after the restart is served: the dead pooled connections were forgotten.
        var activated = await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(node.Client, key, TestWorld.Desktop, fresh));
        Assert.False(activated.GetProperty("reactivation").GetBoolean());
        Assert.Equal(2, activated.GetProperty("activationsUsed").GetInt32());
        var again = await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(node.Client, key, TestWorld.Desktop, known));
        Assert.True(again.GetProperty("reactivation").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await node.GetAsync(ActivationWorld.Owner, "/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.GetAsync(null, "/healthz/ready")).StatusCode);
    }

    [Fact]
    public async Task A_writer_lane_whose_batch_failed_with_the_database_writes_again_once_it_is_back()
    {
        var (keyId, _) = await ActivationWorld.OrderKeyAsync(node, TestWorld.Desktop, 10);
        await using var writer = new PostgresActivationWriter(DatabaseSettings.ForPostgres(node.PostgresConnectionString!), NullLogger<PostgresActivationWriter>.Instance);
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(MakConsumptionResult.Consumed, (await writer.ConsumeAsync(Activation(keyId, "lane-before"), [], ct)).Result);

        await node.Server.StopAsync();
        try
        {
            // The same key, so the same lane: its pooled connection died, then none can be opened.
            var died = await Assert.ThrowsAnyAsync<Exception>(() => writer.ConsumeAsync(Activation(keyId, "lane-during-1"), [], ct));
            Assert.True(DatabaseOutage.IsOutage(died), died.ToString());
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => writer.ConsumeAsync(Activation(keyId, "lane-during-2"), [], ct));
            Assert.True(DatabaseOutage.IsOutage(refused), refused.ToString());
        }
        finally
        {
            await node.Server.StartAgainAsync();
            // No request reached the fixture's node during this outage, so its pool still holds
            // connections that died with the old server; its first request would answer 503 and
            // forget them (the other test's subject). Forget them here, for the tests that follow.
            DatabaseOutage.ForgetPooledConnections();
        }

        var after = await writer.ConsumeAsync(Activation(keyId, "lane-after"), [], ct);
        Assert.Equal(new MakConsumption(MakConsumptionResult.Consumed, 2), after);
        Assert.False(writer.IsStopped);
    }

    private static async Task AssertUnreachableAsync(HttpResponseMessage response)
    {
        await Problems.AssertAsync(response, HttpStatusCode.ServiceUnavailable, ErrorCatalogue.DatabaseUnreachable.Code);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    private static MakActivation Activation(Guid keyId, string device)
    {
        var now = TimeProvider.System.GetUtcNow();
        return new MakActivation
        {
            Id = Guid.NewGuid(),
            KeyId = keyId,
            ProductId = TestWorld.Desktop,
            HardwareId = ActivationWorld.Device(device, TestWorld.Desktop),
            ActivatedAt = now,
            LastActivatedAt = now,
            Activations = 1,
        };
    }
}
