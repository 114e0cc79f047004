using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Service.Identity;
using ProductKeys.Service.Portal;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>
/// A portal session (ADR 0022) is shorter than a <c>pk login</c> session, since its page shows product keys: it ends
/// <c>Tokens:PortalLifetime</c> (12 h) after its last use and <c>Tokens:PortalSessionMaximum</c> (7 days) after sign-in.
/// Over HTTPS its cookie is <c>__Host-pk_portal</c>. Before a hostile review it lasted 30 days unused and 90 in all, in a
/// cookie a sibling subdomain or a plain-HTTP answer could set.
/// </summary>
public sealed class PortalSessionTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private const string HostCookie = "__Host-pk_portal";

    private static readonly TimeSpan Idle = TimeSpan.FromHours(12);

    private static readonly TimeSpan Maximum = TimeSpan.FromDays(7);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Uri Node => new(fixture.App.Urls.First());

    [Fact]
    public async Task A_portal_session_ends_12_hours_after_its_last_use_and_7_days_after_sign_in_however_used()
    {
        var options = new TokenOptions();
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()));
        var signIn = clock.GetUtcNow();
        var idle = await IssueAsync(signIn, Idle);
        var busy = await IssueAsync(signIn, Idle);

        // Unused: ended at 12 hours (a check is a use, so only the other session is seen valid a second before).
        clock.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.Equal(TokenProblem.None, await CheckAsync(busy, clock, options));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TokenProblem.Expired, await CheckAsync(idle, clock, options));

        // Used every 11 hours it slides, up to 7 days after sign-in and not a moment longer.
        while (clock.GetUtcNow() + TimeSpan.FromHours(11) < signIn + Maximum)
        {
            clock.Advance(TimeSpan.FromHours(11));
            Assert.Equal(TokenProblem.None, await CheckAsync(busy, clock, options));
        }

        clock.SetUtcNow(signIn + Maximum - TimeSpan.FromSeconds(1));
        Assert.Equal(TokenProblem.None, await CheckAsync(busy, clock, options));
        clock.SetUtcNow(signIn + Maximum);
        Assert.Equal(TokenProblem.Expired, await CheckAsync(busy, clock, options));
    }

    [Fact]
    public async Task A_portal_session_from_before_these_limits_ends_7_days_after_its_sign_in()
    {
        var options = new TokenOptions();
        var signIn = DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()) - TimeSpan.FromDays(7);
        var old = await IssueAsync(signIn, TimeSpan.FromDays(30));

        Assert.Equal(TokenProblem.Expired, await CheckAsync(old, new FakeTimeProvider(signIn + Maximum), options));
    }

    [Fact]
    public async Task Signing_in_through_the_portal_issues_a_session_of_Tokens_PortalLifetime()
    {
        var before = DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
        var token = await PortalForm.SignInAsync(Node, TestWorld.Owner, TestWorld.Password);
        var after = TimeProvider.System.GetUtcNow();

        var hash = ApiTokens.Hash(token);
        var row = await fixture.WithDbAsync(db => db.ApiTokens.AsNoTracking().SingleAsync(t => t.TokenHash == hash, Ct));
        Assert.InRange(row.ExpiresAt!.Value, before + TimeSpan.FromHours(12), after + TimeSpan.FromHours(12));
    }

    [Fact]
    public async Task Over_HTTPS_the_session_cookie_is_Host_prefixed_and_a_cookie_without_the_prefix_is_not_read()
    {
        var form = await PortalForm.RenderAsync(Node, PortalPaths.Home, "/portal/sign-in", https: true);
        using var signedIn = await form.PostAsync(Node, ("user", TestWorld.Owner), ("password", TestWorld.Password));

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var cookies = signedIn.Headers.GetValues("Set-Cookie").ToList();
        Assert.DoesNotContain(cookies, c => c.StartsWith(PortalForm.SessionCookie + "=", StringComparison.Ordinal));
        var cookie = Assert.Single(cookies, c => c.StartsWith(HostCookie + "=", StringComparison.Ordinal));
        var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("secure", attributes);
        Assert.Contains("path=/", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.Ordinal));

        var token = cookie.Split(';')[0][(HostCookie.Length + 1)..];
        Assert.Equal(HttpStatusCode.OK, await AccountsStatusAsync(HostCookie, token, https: true));
        // The unprefixed name, which a sibling subdomain or a plain-HTTP answer could have set, is not read over HTTPS.
        Assert.Equal(HttpStatusCode.Redirect, await AccountsStatusAsync(PortalForm.SessionCookie, token, https: true));
        // Over plain HTTP (development) browsers refuse the prefix: the cookie keeps the plain name there.
        Assert.Equal(HttpStatusCode.OK, await AccountsStatusAsync(PortalForm.SessionCookie, await PortalForm.SignInAsync(Node, TestWorld.Owner, TestWorld.Password), https: false));
    }

    [Fact]
    public async Task Over_HTTPS_the_antiforgery_cookie_is_Host_prefixed_and_a_cookie_without_the_prefix_is_not_read()
    {
        using var client = PortalForm.NewClient(Node);
        using var request = new HttpRequestMessage(HttpMethod.Get, PortalPaths.Home);
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var page = await client.SendAsync(request, Ct);

        var cookies = page.Headers.GetValues("Set-Cookie").ToList();
        Assert.DoesNotContain(cookies, c => c.StartsWith(PortalForm.AntiforgeryCookie + "=", StringComparison.Ordinal));
        var cookie = Assert.Single(cookies, c => c.StartsWith(PortalForm.SecureAntiforgeryCookie + "=", StringComparison.Ordinal));
        var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("secure", attributes);
        Assert.Contains("path=/", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.Ordinal));

        var form = await PortalForm.RenderAsync(Node, PortalPaths.Home, "/portal/sign-in", https: true);
        using (var signedIn = await form.PostAsync(Node, ("user", TestWorld.Owner), ("password", TestWorld.Password)))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        // The same cookie token under the unprefixed name, which a sibling subdomain or a plain-HTTP answer could have set, is not read over HTTPS.
        var unprefixed = form with { Cookies = PortalForm.AntiforgeryCookie + form.Cookies[PortalForm.SecureAntiforgeryCookie.Length..] };
        using var refused = await unprefixed.PostAsync(Node, ("user", TestWorld.Owner), ("password", TestWorld.Password));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Null(PortalForm.SessionFrom(refused));
    }

    [Theory]
    [InlineData("00:04:00", "7.00:00:00")]
    [InlineData("8.00:00:00", "30.00:00:00")]
    [InlineData("12:00:00", "91.00:00:00")]
    [InlineData("2.00:00:00", "1.00:00:00")]
    public void Portal_lifetimes_out_of_range_or_a_maximum_below_the_idle_time_are_refused_at_start(string lifetime, string maximum)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tokens:PortalLifetime"] = lifetime,
            ["Tokens:PortalSessionMaximum"] = maximum,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddTokenAuthentication();
        using var provider = services.BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TokenOptions>>().Value);
        Assert.Contains("Portal", refused.Message, StringComparison.Ordinal);
    }

    private async Task<string> IssueAsync(DateTimeOffset signIn, TimeSpan lifetime) =>
        await fixture.WithDbAsync(async db =>
        {
            var userId = await db.Users.Where(u => u.Name == TestWorld.Owner).Select(u => u.Id).SingleAsync(Ct);
            var (token, row) = ApiTokens.Issue(userId, ApiTokens.PortalLabel, signIn, lifetime);
            db.ApiTokens.Add(row);
            await db.SaveChangesAsync(Ct);
            return token;
        });

    private async Task<TokenProblem> CheckAsync(string token, TimeProvider clock, TokenOptions options) =>
        await fixture.WithDbAsync(async db => (await TokenCheck.CheckAsync(db, token, portal: true, clock.GetUtcNow(), options, Ct)).Problem);

    private async Task<HttpStatusCode> AccountsStatusAsync(string cookieName, string session, bool https)
    {
        using var client = PortalForm.NewClient(Node);
        using var request = new HttpRequestMessage(HttpMethod.Get, PortalPaths.Accounts);
        request.Headers.Add("Cookie", $"{cookieName}={session}");
        if (https)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
        }

        using var response = await client.SendAsync(request, Ct);
        return response.StatusCode;
    }
}
