using System.Net;
using ProductKeys.Service.Portal;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>
/// What the portal answers beyond a plain GET or form POST (found by a hostile review): HEAD on the keys page shows no key
/// and so writes no "viewed" entry; other methods are 405 with their code; a refusal before any page runs (a body over
/// the limit) carries the portal's headers too.
/// </summary>
public sealed class PortalMethodTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Uri Node => new(fixture.App.Urls.First());

    [Fact]
    public async Task HEAD_on_the_keys_page_answers_without_auditing_a_view_and_GET_still_audits_one()
    {
        var session = await SignInAsync();
        var before = await ViewedEntriesAsync();

        using (var head = await SendAsync(HttpMethod.Head, PortalPaths.Keys(fixture.World.AccountA), session))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        }

        Assert.Equal(before, await ViewedEntriesAsync());

        using (var get = await SendAsync(HttpMethod.Get, PortalPaths.Keys(fixture.World.AccountA), session))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        Assert.Equal(before + 1, await ViewedEntriesAsync());
    }

    [Fact]
    public async Task HEAD_on_another_organizations_keys_page_is_not_found_as_GET_is()
    {
        var session = await SignInAsync();

        using var head = await SendAsync(HttpMethod.Head, PortalPaths.Keys(fixture.World.AccountB), session);

        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Theory]
    [InlineData("OPTIONS")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task Other_methods_on_portal_pages_are_METHOD_NOT_ALLOWED_with_the_portals_headers(string method)
    {
        var session = await SignInAsync();

        foreach (var path in new[] { PortalPaths.Home, PortalPaths.Keys(fixture.World.AccountA), "/portal/sign-in" })
        {
            using var response = await SendAsync(new HttpMethod(method), path, session);

            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Equal("GET, HEAD, POST", string.Join(", ", response.Content.Headers.Allow));
            Assert.Contains("data-code=\"METHOD_NOT_ALLOWED\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            Assert.Equal(PortalHeaders.ContentSecurityPolicy, string.Join(", ", response.Headers.GetValues("Content-Security-Policy")));
        }
    }

    /// <summary>
    /// A form sent to a page that has no such form ran no handler: Razor Pages rendered the page as it stood, 200, so a
    /// customer posting to the staff catalog got its table, the keys page said "0 keys" under the key rule's heading and
    /// the billing accounts page "You hold no role on any billing account" (found by a hostile review with curl).
    /// </summary>
    [Fact]
    public async Task A_form_posted_to_a_page_without_that_form_is_METHOD_NOT_ALLOWED_and_renders_nothing()
    {
        var session = await SignInAsync();
        var form = await PortalForm.RenderAsync(Node, PortalPaths.Accounts, "/portal/sign-out", session);

        foreach (var path in new[]
                 {
                     PortalPaths.Home, PortalPaths.Accounts, PortalPaths.Catalog, PortalPaths.Audit,
                     PortalPaths.Keys(fixture.World.AccountA) + "?handler=Bogus", PortalPaths.KeyDetail(fixture.World.AccountA, Guid.NewGuid()),
                 })
        {
            using var response = await (form with { Action = path }).PostAsync(Node);
            var body = await response.Content.ReadAsStringAsync(Ct);

            Assert.True(HttpStatusCode.MethodNotAllowed == response.StatusCode, $"POST {path}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
            Assert.Equal("GET, HEAD", string.Join(", ", response.Content.Headers.Allow));
            Assert.Contains("METHOD_NOT_ALLOWED", body, StringComparison.Ordinal);
            Assert.DoesNotContain("<table", body, StringComparison.Ordinal);
        }

        // The forms that exist still work with the same token.
        using var signedOut = await form.PostAsync(Node);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_on_a_portal_form_is_refused_with_the_portals_headers()
    {
        using var client = PortalForm.NewClient(Node);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/portal/sign-in")
        {
            Content = new ByteArrayContent(new byte[2 * 1024 * 1024]),
        };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        request.Headers.Add("Accept", "text/html");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(PortalHeaders.ContentSecurityPolicy, string.Join(", ", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("no-store", string.Join(", ", response.Headers.GetValues("Cache-Control")));
    }

    private Task<string> SignInAsync() => PortalForm.SignInAsync(Node, TestWorld.Owner, TestWorld.Password);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string session)
    {
        using var client = PortalForm.NewClient(Node);
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", $"{PortalForm.SessionCookie}={session}");
        request.Headers.Add("Accept", "text/html");
        return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, Ct);
    }

    private async Task<int> ViewedEntriesAsync()
    {
        var entries = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Publisher, "/api/v1/audit?limit=10000"));
        return entries.EnumerateArray().Count(e => e.GetProperty("action").GetString() == "keys.viewed");
    }
}
