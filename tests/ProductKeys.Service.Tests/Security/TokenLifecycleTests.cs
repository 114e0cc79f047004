using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Service.Identity;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Security;

/// <summary>Bearer tokens expire, sessions slide up to a cap, and administrators disable users and revoke sessions on every node (ADR 0017).</summary>
public abstract class TokenLifecycleTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    private const string NewPassword = "a brand new passphrase";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_past_its_lifetime_is_refused()
    {
        var now = Now();
        var expired = await AddTokenAsync("User-Owner", "session", createdAt: now - TimeSpan.FromDays(31), expiresAt: now - TimeSpan.FromDays(1));
        var legacy = await AddTokenAsync("User-Owner", "session", createdAt: now - TimeSpan.FromDays(31), expiresAt: null);
        var fresh = await AddTokenAsync("User-Owner", "session", createdAt: now, expiresAt: now + TimeSpan.FromDays(30));

        var refused = await SendWithAsync(fixture.Client, expired, HttpMethod.Get, "/api/v1/me");
        Assert.Contains("expired", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // Issued before lifetimes existed: Tokens:Lifetime after it was created.
        await Problems.AssertAsync(await SendWithAsync(fixture.Client, legacy, HttpMethod.Get, "/api/v1/me"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        await Problems.OkJsonAsync(await SendWithAsync(fixture.Client, fresh, HttpMethod.Get, "/api/v1/me"));
    }

    [Fact]
    public async Task Signing_in_issues_a_token_that_expires_after_the_configured_lifetime()
    {
        var before = TimeProvider.System.GetUtcNow();
        var token = await SignInAsync(fixture.Client, "GlobalAdministrator-None", TestWorld.Password);
        var row = await RowAsync(token);
        Assert.Equal("session", row.Label);
        Assert.InRange(row.ExpiresAt!.Value, before + TokenOptions.DefaultLifetime, TimeProvider.System.GetUtcNow() + TokenOptions.DefaultLifetime);
    }

    [Fact]
    public async Task Using_a_sign_in_session_extends_it_but_never_past_the_cap_and_other_tokens_do_not_slide()
    {
        var now = Now();
        var session = await AddTokenAsync("User-Contributor", "session", createdAt: now - TimeSpan.FromDays(10), expiresAt: now + TimeSpan.FromDays(1));
        var old = await AddTokenAsync("User-Contributor", "session", createdAt: now - TimeSpan.FromDays(89), expiresAt: now + TimeSpan.FromHours(2));
        var bootstrap = await AddTokenAsync("User-Contributor", "bootstrap", createdAt: now - TimeSpan.FromDays(10), expiresAt: now + TimeSpan.FromDays(1));

        foreach (var token in new[] { session, old, bootstrap })
        {
            await Problems.OkJsonAsync(await SendWithAsync(fixture.Client, token, HttpMethod.Get, "/api/v1/me"));
        }

        Assert.True((await RowAsync(session)).ExpiresAt > now + TimeSpan.FromDays(29), "a used session lasts Tokens:Lifetime from its use");
        var capped = await RowAsync(old);
        Assert.Equal(capped.CreatedAt + TimeSpan.FromDays(90), capped.ExpiresAt);
        Assert.Equal(now + TimeSpan.FromDays(1), (await RowAsync(bootstrap)).ExpiresAt);
    }

    [Fact]
    public async Task Disabling_a_user_on_one_node_ends_their_sessions_on_every_node_until_enabled()
    {
        var name = await NewUserAsync("disable-me");
        await using var other = await ExtraNode.StartAsync(fixture);
        var token = await SignInAsync(fixture.Client, name, TestWorld.Password);
        await Problems.OkJsonAsync(await SendWithAsync(other.Client, token, HttpMethod.Get, "/api/v1/me"));

        var disabled = await Problems.OkJsonAsync(await SendWithAsync(other.Client, fixture.World.Tokens[TestWorld.Owner], HttpMethod.Post, $"/api/v1/users/{name}/disable"));
        Assert.True(disabled.GetProperty("disabled").GetBoolean());
        Assert.Equal(1, disabled.GetProperty("sessionsRevoked").GetInt32());

        await Problems.AssertAsync(await SendWithAsync(fixture.Client, token, HttpMethod.Get, "/api/v1/me"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        var signIn = await fixture.PostJsonAsync(null, "/api/v1/sessions", new { user = name, password = TestWorld.Password });
        Assert.Contains("disabled", await signIn.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await Problems.AssertAsync(signIn, HttpStatusCode.Unauthorized, "UNAUTHENTICATED");

        await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, $"/api/v1/users/{name}/enable", new { }));
        await SignInAsync(other.Client, name, TestWorld.Password);
    }

    [Fact]
    public async Task A_new_password_set_by_an_administrator_ends_the_users_sessions()
    {
        var name = await NewUserAsync("reset-me");
        var token = await SignInAsync(fixture.Client, name, TestWorld.Password);
        var answer = await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Owner, $"/api/v1/users/{name}/password", new { password = NewPassword }));
        Assert.Equal(1, answer.GetProperty("sessionsRevoked").GetInt32());
        await Problems.AssertAsync(await SendWithAsync(fixture.Client, token, HttpMethod.Get, "/api/v1/me"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        await Problems.AssertAsync(await fixture.PostJsonAsync(null, "/api/v1/sessions", new { user = name, password = TestWorld.Password }), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        await SignInAsync(fixture.Client, name, NewPassword);
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, $"/api/v1/users/{name}/password", new { password = "short" }), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Theory]
    [InlineData("BillingAdministrator-Owner", "reader", HttpStatusCode.Forbidden, "FORBIDDEN")]
    [InlineData("User-Owner", "reader", HttpStatusCode.Forbidden, "FORBIDDEN")]
    [InlineData(TestWorld.OtherOrgOwner, "reader", HttpStatusCode.NotFound, "NOT_FOUND")]
    [InlineData(TestWorld.Owner, TestWorld.Publisher, HttpStatusCode.NotFound, "NOT_FOUND")]
    [InlineData(TestWorld.Owner, TestWorld.OtherOrgOwner, HttpStatusCode.NotFound, "NOT_FOUND")]
    [InlineData(TestWorld.Owner, TestWorld.Owner, HttpStatusCode.Conflict, "CONFLICT")]
    [InlineData(TestWorld.Owner, "no-such-user", HttpStatusCode.NotFound, "NOT_FOUND")]
    public async Task Only_the_organizations_global_administrators_and_publisher_staff_disable_its_users(string caller, string target, HttpStatusCode status, string code)
    {
        var name = target == "reader" ? "User-Reader" : target;
        await Problems.AssertAsync(await fixture.PostJsonAsync(caller, $"/api/v1/users/{name}/disable", new { }), status, code);
        await Problems.OkJsonAsync(await fixture.GetAsync(name == "no-such-user" ? TestWorld.Owner : name, "/api/v1/me"));
    }

    [Fact]
    public async Task Administrators_list_and_revoke_sessions_within_their_organization_only()
    {
        var name = await NewUserAsync("sessions-of");
        var token = await SignInAsync(fixture.Client, name, TestWorld.Password);
        var id = (await RowAsync(token)).Id;

        var listed = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Owner, "/api/v1/sessions"));
        var users = listed.EnumerateArray().Select(s => s.GetProperty("user").GetString()).ToHashSet();
        Assert.Contains(name, users);
        Assert.DoesNotContain(TestWorld.Publisher, users);
        Assert.DoesNotContain(TestWorld.OtherOrgOwner, users);
        Assert.DoesNotContain(listed.EnumerateArray(), s => s.TryGetProperty("tokenHash", out _) || s.TryGetProperty("token", out _));
        var own = await Problems.OkJsonAsync(await fixture.GetAsync("User-None", "/api/v1/sessions"));
        Assert.All(own.EnumerateArray(), s => Assert.Equal("User-None", s.GetProperty("user").GetString()));
        Assert.Contains(own.EnumerateArray(), s => s.GetProperty("current").GetBoolean());

        await Problems.AssertAsync(await fixture.SendAsync(TestWorld.OtherOrgOwner, HttpMethod.Delete, $"/api/v1/sessions/{id}"), HttpStatusCode.NotFound, "NOT_FOUND");
        await Problems.AssertAsync(await fixture.SendAsync("BillingAdministrator-Owner", HttpMethod.Delete, $"/api/v1/sessions/{id}"), HttpStatusCode.Forbidden, "FORBIDDEN");
        await Problems.OkJsonAsync(await SendWithAsync(fixture.Client, token, HttpMethod.Get, "/api/v1/me"));

        Assert.Equal(HttpStatusCode.NoContent, (await fixture.SendAsync(TestWorld.Owner, HttpMethod.Delete, $"/api/v1/sessions/{id}")).StatusCode);
        await Problems.AssertAsync(await SendWithAsync(fixture.Client, token, HttpMethod.Get, "/api/v1/me"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        var audit = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Publisher, "/api/v1/audit?limit=10000"));
        Assert.Contains("session.revoked", audit.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_session_extension_is_written_at_most_hourly_and_never_past_the_cap()
    {
        var options = new TokenOptions { Lifetime = TimeSpan.FromDays(30), SessionMaximum = TimeSpan.FromDays(90) };
        var created = DateTimeOffset.UnixEpoch;
        var token = new Data.Accounts.ApiToken { TokenHash = "x", Label = "session", CreatedAt = created, ExpiresAt = created + TimeSpan.FromDays(30) };
        Assert.Null(TokenLifetime.Extended(token, created + TimeSpan.FromMinutes(59), options));
        Assert.Equal(created + TimeSpan.FromDays(31), TokenLifetime.Extended(token, created + TimeSpan.FromDays(1), options));
        Assert.Equal(created + TimeSpan.FromDays(90), TokenLifetime.Extended(token, created + TimeSpan.FromDays(80), options));
        Assert.True(TokenLifetime.IsExpired(token, created + TimeSpan.FromDays(30), options));
        token.Label = "bootstrap";
        Assert.Null(TokenLifetime.Extended(token, created + TimeSpan.FromDays(1), options));
    }

    /// <summary>Milliseconds: what both providers store exactly.</summary>
    private static DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());

    private async Task<string> NewUserAsync(string prefix)
    {
        var me = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Owner, "/api/v1/me"));
        var name = $"{prefix}-{Guid.NewGuid():N}"[..30];
        await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, $"/api/v1/organizations/{me.GetProperty("organizationId").GetString()}/users",
            new { name, password = TestWorld.Password, directoryRole = "User" }), HttpStatusCode.Created);
        return name;
    }

    private async Task<string> AddTokenAsync(string user, string label, DateTimeOffset createdAt, DateTimeOffset? expiresAt) =>
        await fixture.WithDbAsync(async db =>
        {
            var userId = await db.Users.Where(u => u.Name == user).Select(u => u.Id).SingleAsync(Ct);
            var (token, row) = ApiTokens.Issue(userId, label, createdAt, TimeSpan.Zero);
            row.ExpiresAt = expiresAt;
            db.ApiTokens.Add(row);
            await db.SaveChangesAsync(Ct);
            return token;
        });

    private Task<Data.Accounts.ApiToken> RowAsync(string token) =>
        fixture.WithDbAsync(db => db.ApiTokens.AsNoTracking().SingleAsync(t => t.TokenHash == ApiTokens.Hash(token), Ct));

    internal static async Task<string> SignInAsync(HttpClient client, string user, string password)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/sessions", new { user, password }, Ct);
        return (await Problems.OkJsonAsync(response)).GetProperty("token").GetString()!;
    }

    internal static async Task<HttpResponseMessage> SendWithAsync(HttpClient client, string token, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (method == HttpMethod.Post)
        {
            request.Content = JsonContent.Create(new { });
        }

        return await client.SendAsync(request, Ct);
    }
}

public sealed class SqliteTokenLifecycleTests(SqliteFixture fixture) : TokenLifecycleTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresTokenLifecycleTests(PostgresFixture fixture) : TokenLifecycleTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
