using System.Net;
using System.Net.Http.Headers;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Api;

public abstract class SessionTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Fact]
    public async Task Signing_in_returns_a_token_that_works()
    {
        var session = await Problems.OkJsonAsync(await fixture.PostJsonAsync(null, "/api/v1/sessions", new { user = "User-Owner", password = TestWorld.Password }));
        Assert.StartsWith("pk_", session.GetProperty("token").GetString(), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
        var me = await Problems.OkJsonAsync(await fixture.Client.SendAsync(request, TestContext.Current.CancellationToken));
        Assert.Equal("User-Owner", me.GetProperty("name").GetString());
        Assert.Equal("User", me.GetProperty("directoryRole").GetString());
    }

    [Fact]
    public async Task Signing_out_revokes_the_token()
    {
        var session = await Problems.OkJsonAsync(await fixture.PostJsonAsync(null, "/api/v1/sessions", new { user = "BillingAdministrator-None", password = TestWorld.Password }));
        var token = session.GetProperty("token").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await SendWithAsync(token, HttpMethod.Delete, "/api/v1/sessions/current")).StatusCode);
        await Problems.AssertAsync(await SendWithAsync(token, HttpMethod.Get, "/api/v1/me"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task Tokens_are_stored_only_as_hashes() =>
        Assert.DoesNotContain(await fixture.WithDbAsync(db => Task.FromResult(db.ApiTokens.Select(t => t.TokenHash).ToList())),
            h => fixture.World.Tokens.ContainsValue(h));

    [Fact]
    public async Task Failed_sign_ins_are_rate_limited_per_user_and_address()
    {
        for (var i = 0; i < 3; i++)
        {
            await Problems.AssertAsync(await fixture.PostJsonAsync(null, "/api/v1/sessions", new { user = "User-Reader", password = "wrong" }),
                HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        }

        await Problems.AssertAsync(await fixture.PostJsonAsync(null, "/api/v1/sessions", new { user = "User-Reader", password = TestWorld.Password }),
            HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        // Another user from the same address is not affected.
        await Problems.OkJsonAsync(await fixture.PostJsonAsync(null, "/api/v1/sessions", new { user = "User-Contributor", password = TestWorld.Password }));
    }

    [Fact]
    public async Task An_unknown_user_gets_the_same_answer_as_a_wrong_password() =>
        await Problems.AssertAsync(await fixture.PostJsonAsync(null, "/api/v1/sessions", new { user = "nobody-at-all", password = "x" }),
            HttpStatusCode.Unauthorized, "UNAUTHENTICATED");

    private async Task<HttpResponseMessage> SendWithAsync(string? token, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await fixture.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}

public sealed class SqliteSessionTests(SqliteFixture fixture) : SessionTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresSessionTests(PostgresFixture fixture) : SessionTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
