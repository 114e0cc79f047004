using System.Net;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>
/// A browser's error page on a portal path names the code and says what happened, as the API's JSON problem does. The
/// HTML writer skipped the service's problem customization, so an unknown portal address answered "The request was
/// refused", an empty detail and "Code:" with nothing after it (found by a hostile review with curl).
/// </summary>
public sealed class PortalProblemPageTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Theory]
    [InlineData("/portal/no-such-page")]
    [InlineData("/portal/accounts/not-a-guid/keys")]
    public async Task An_unknown_portal_address_answers_the_not_found_page_with_its_code_and_detail(string path)
    {
        using var client = PortalForm.NewClient(new Uri(fixture.App.Urls.First()));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Accept", "text/html");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("data-code=\"NOT_FOUND\"", html, StringComparison.Ordinal);
        Assert.Contains("<code>NOT_FOUND</code>", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Not found</h1>", html, StringComparison.Ordinal);
        Assert.Contains("That does not exist, or is not visible to you", html, StringComparison.Ordinal);
    }
}
