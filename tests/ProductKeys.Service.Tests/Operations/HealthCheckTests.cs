using System.Net;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Data.Secrets;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Operations;

/// <summary>/healthz/live answers while the process does; /healthz/ready runs every readiness check and names a failed one.</summary>
public sealed class HealthCheckTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task Live_and_ready_answer_200_with_each_readiness_check_healthy()
    {
        var live = await Problems.OkJsonAsync(await fixture.GetAsync(null, "/healthz/live"));
        Assert.Equal("healthy", live.GetProperty("status").GetString());
        Assert.Empty(live.GetProperty("checks").EnumerateObject());

        var ready = await Problems.OkJsonAsync(await fixture.GetAsync(null, "/healthz/ready"));
        Assert.Equal("healthy", ready.GetProperty("status").GetString());
        var checks = ready.GetProperty("checks");
        Assert.Equal(["database", "secrets", "signing-key", "writer"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(checks.EnumerateObject(), c => Assert.Equal("healthy", c.Value.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Secrets_that_no_longer_match_the_database_make_the_node_not_ready_but_still_live()
    {
        var recorded = await fixture.WithDbAsync(db => db.SecretsFingerprints.SingleAsync(f => f.Id == SecretsFingerprint.SingletonId));
        await SetFingerprintAsync(new string('0', 64));
        try
        {
            var ready = await fixture.GetAsync(null, "/healthz/ready");
            var body = await Problems.OkJsonAsync(ready, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("unhealthy", body.GetProperty("status").GetString());
            Assert.Equal("unhealthy", body.GetProperty("checks").GetProperty("secrets").GetProperty("status").GetString());
            Assert.Equal("healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(null, "/healthz/live")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(null, "/healthz")).StatusCode);
        }
        finally
        {
            await SetFingerprintAsync(recorded.KeyGroupsFingerprint);
        }

        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(null, "/healthz/ready")).StatusCode);
    }

    private Task<int> SetFingerprintAsync(string fingerprint) => fixture.WithDbAsync(db => db.SecretsFingerprints
        .Where(f => f.Id == SecretsFingerprint.SingletonId)
        .ExecuteUpdateAsync(s => s.SetProperty(f => f.KeyGroupsFingerprint, fingerprint), TestContext.Current.CancellationToken));
}
