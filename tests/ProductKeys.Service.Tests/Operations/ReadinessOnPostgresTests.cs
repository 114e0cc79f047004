using System.Net;
using Npgsql;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Operations;

/// <summary>A node whose PostgreSQL database goes away is not ready (and /healthz says so as before), yet still live.</summary>
public sealed class ReadinessOnPostgresTests : IAsyncLifetime
{
    private readonly PostgresFixture _node = new();

    public ValueTask InitializeAsync() => _node.InitializeAsync();

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task Readiness_fails_on_the_database_check_when_it_is_unreachable_and_names_no_database()
    {
        Assert.Equal(HttpStatusCode.OK, (await _node.GetAsync(null, "/healthz/ready")).StatusCode);
        var database = new NpgsqlConnectionStringBuilder(_node.PostgresConnectionString).Database!;

        NpgsqlConnection.ClearAllPools();
        await PostgresFixture.DropAsync(PostgresFixture.AdminConnectionString!, database);

        var ready = await Problems.OkJsonAsync(await _node.GetAsync(null, "/healthz/ready"), HttpStatusCode.ServiceUnavailable);
        var check = ready.GetProperty("checks").GetProperty("database");
        Assert.Equal("unhealthy", check.GetProperty("status").GetString());
        Assert.Contains("does not answer", check.GetProperty("description").GetString(), StringComparison.Ordinal);
        // Anyone may ask: the answer names no host, database or user.
        Assert.DoesNotContain(database, ready.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _node.GetAsync(null, "/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _node.GetAsync(null, "/healthz/live")).StatusCode);
    }
}
