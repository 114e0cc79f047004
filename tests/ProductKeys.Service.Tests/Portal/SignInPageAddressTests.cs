using System.Net;
using ProductKeys.Service.Portal;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>
/// The sign-in page has one address, <c>/</c>, which carries the portal's headers. Razor Pages also answered it at
/// <c>/Index</c> (any case), outside <c>/portal</c>, so without the CSP, nosniff, Referrer-Policy and frame-ancestors.
/// </summary>
public sealed class SignInPageAddressTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Theory]
    [InlineData("/Index")]
    [InlineData("/index")]
    [InlineData("/INDEX")]
    public async Task The_sign_in_page_is_not_served_at_another_address_without_the_portals_headers(string path)
    {
        using var client = PortalForm.NewClient(new Uri(fixture.App.Urls.First()));

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("Sign in to ProductKeys", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sign_in_page_at_its_address_carries_the_portals_headers()
    {
        using var client = PortalForm.NewClient(new Uri(fixture.App.Urls.First()));

        using var response = await client.GetAsync(PortalPaths.Home, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PortalHeaders.ContentSecurityPolicy, string.Join(", ", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("DENY", string.Join(", ", response.Headers.GetValues("X-Frame-Options")));
    }
}
