using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ProductKeys.Service.Health;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Operations;

/// <summary>
/// /metrics holds the publisher's business (orders placed, keys issued, activations): a node answers it to its monitoring
/// network only. Before, anyone who reached the service (through the load balancer, from the internet) could read it.
/// </summary>
public sealed class MetricsAccessTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.20.30.40", true)]
    [InlineData("172.31.255.1", true)]
    [InlineData("192.168.1.10", true)]
    [InlineData("fd12:3456::1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("2001:db8::1", false)]
    public void By_default_loopback_and_private_networks_may_read_and_others_may_not(string address, bool allowed) =>
        Assert.Equal(allowed, Access(null).Allows(IPAddress.Parse(address)));

    [Fact]
    public void A_client_without_an_address_is_refused_and_configured_networks_replace_the_defaults()
    {
        Assert.False(Access(null).Allows(null));
        var monitoring = Access(["203.0.113.0/24"]);
        Assert.True(monitoring.Allows(IPAddress.Parse("203.0.113.9")));
        Assert.False(monitoring.Allows(IPAddress.Parse("127.0.0.1")));
        Assert.True(Access(["0.0.0.0/0", "::/0"]).Allows(IPAddress.Parse("8.8.8.8")));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-a-network")]
    [InlineData("10.0.0.1")]
    public void Networks_that_are_not_CIDR_are_refused_at_start(string network) =>
        Assert.False(new MetricsOptions { AllowedNetworks = [network] }.NetworksAreValid());

    [Fact]
    public async Task A_client_the_load_balancer_forwards_from_the_internet_is_refused_with_FORBIDDEN()
    {
        // The node believes X-Forwarded-For from loopback (a balancer on the same machine), as from Proxies:Known.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        request.Headers.Add("X-Forwarded-For", "198.51.100.7");
        using var forwarded = await fixture.Client.SendAsync(request, TestContext.Current.CancellationToken);
        await AssertForbiddenAsync(forwarded);

        using var direct = await fixture.Client.GetAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
    }

    [Fact]
    public async Task A_node_told_its_monitoring_network_refuses_every_other_address()
    {
        var node = new SqliteFixture { ExtraConfiguration = new Dictionary<string, string?> { ["Metrics:AllowedNetworks:0"] = "10.0.0.0/8" } };
        try
        {
            await node.InitializeAsync();
            using var response = await node.Client.GetAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
            await AssertForbiddenAsync(response);
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    private static MetricsAccess Access(string[]? networks) => new(Options.Create(new MetricsOptions { AllowedNetworks = networks }));

    private static async Task AssertForbiddenAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, body);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("FORBIDDEN", problem.RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain("pk_", body, StringComparison.Ordinal);
    }
}
