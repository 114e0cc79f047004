using System.Net;
using ProductKeys.Service.Portal;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>
/// Behind a load balancer that ends TLS (docs/deploy/haproxy.cfg) the node gets plain HTTP: the portal
/// still marks its cookies Secure, from the balancer's X-Forwarded-Proto (believed from known proxies
/// only; loopback is one). Without it the cookies of a portal served over HTTPS lacked Secure.
/// </summary>
public sealed class ForwardedProtoTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task Cookies_are_Secure_when_a_known_balancer_says_the_client_came_over_HTTPS()
    {
        Assert.Contains("secure", await AntiforgeryCookieAsync("https"), StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", await AntiforgeryCookieAsync(null), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A portal served over HTTPS sent no Strict-Transport-Security: a browser typing the host, or following an http://
    /// link, asked over plain HTTP first every time, where someone on the network could answer with a sign-in page of
    /// their own (found by a hostile review). Never for <c>localhost</c>, which would bind every local port of a
    /// developer's browser to HTTPS for a year (browsers ignore it for an IP address).
    /// </summary>
    [Theory]
    [InlineData("https", "licensing.example", "max-age=31536000")]
    [InlineData(null, "licensing.example", null)]
    [InlineData("https", "localhost", null)]
    public async Task Portal_pages_over_HTTPS_tell_the_browser_to_use_only_HTTPS(string? forwardedProto, string host, string? expected)
    {
        using var client = PortalForm.NewClient(new Uri(fixture.App.Urls.First()));
        foreach (var path in new[] { PortalPaths.Home, PortalPaths.Accounts, "/portal/no-such-page" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = host;
            if (forwardedProto is not null)
            {
                request.Headers.Add("X-Forwarded-Proto", forwardedProto);
            }

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.Equal(expected, response.Headers.TryGetValues("Strict-Transport-Security", out var values) ? string.Join(", ", values) : null);
        }
    }

    private async Task<string[]> AntiforgeryCookieAsync(string? forwardedProto)
    {
        using var client = PortalForm.NewClient(new Uri(fixture.App.Urls.First()));
        using var request = new HttpRequestMessage(HttpMethod.Get, PortalPaths.Home);
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Over HTTPS the antiforgery cookie is __Host-prefixed (PortalSessionTests).
        var name = forwardedProto == "https" ? PortalForm.SecureAntiforgeryCookie : PortalForm.AntiforgeryCookie;
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));
        return [.. cookie.Split(';').Select(a => a.Trim())];
    }
}
