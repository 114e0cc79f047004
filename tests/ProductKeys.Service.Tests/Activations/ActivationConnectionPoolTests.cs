using System.Net;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Activations;

/// <summary>
/// PostgreSQL: more activations waiting for their batch than the node's pool has connections
/// (docs/adr/0028-hot-mak-batches.md). A request waiting for the writer holds no connection, and the
/// writer's lanes have a pool of their own; when requests kept theirs, the batch waited for a
/// connection that the requests waiting for the batch held, and they all failed after the pool's timeout.
/// </summary>
public sealed class ActivationConnectionPoolTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Forty_activations_at_once_through_a_pool_of_four_connections_all_succeed()
    {
        var (_, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 40);
        var smallPool = $"{fixture.PostgresConnectionString};Maximum Pool Size=4;Timeout=5";
        await using var node = await ExtraNode.StartAsync(fixture.Options with { PostgresConnectionString = smallPool });

        var statuses = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            using var response = await ActivationWorld.ActivateAsync(node.Client, key, TestWorld.Desktop, ActivationWorld.Device($"small-pool-{i}", TestWorld.Desktop));
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
    }
}
