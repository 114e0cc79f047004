using System.Net;
using ProductKeys.Service.Portal;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>
/// A form whose antiforgery token no longer holds (the page was open across a sign-in or sign-out, or the token is
/// not the session's) answers the portal's "This page expired" page with status 400 — it was raw problem JSON
/// whenever the request did not ask for HTML — and changes nothing.
/// </summary>
public sealed class ExpiredFormTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private const string SignIn = "/portal/sign-in";
    private const string SignOut = "/portal/sign-out";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sign_in_form_from_before_a_sign_in_gets_the_page_expired_page_and_no_second_session()
    {
        var node = new Uri(fixture.App.Urls.First());
        var form = await PortalForm.RenderAsync(node, PortalPaths.Home, SignIn);
        using var signedIn = await form.PostAsync(node, ("user", TestWorld.Owner), ("password", TestWorld.Password));
        var session = PortalForm.SessionFrom(signedIn) ?? throw new InvalidOperationException("The sign-in set no session cookie.");

        // The same page's form sent again, now with the session: its token was made for nobody signed in.
        using var stale = await (form with { Cookies = $"{form.Cookies}; {PortalForm.SessionCookie}={session}" })
            .PostAsync(node, ("user", TestWorld.Owner), ("password", TestWorld.Password));

        await AssertPageExpiredAsync(stale, again: SignIn);
        Assert.Null(PortalForm.SessionFrom(stale));
    }

    [Fact]
    public async Task A_sign_out_with_a_token_that_is_not_the_sessions_keeps_the_session()
    {
        var node = new Uri(fixture.App.Urls.First());
        var signInForm = await PortalForm.RenderAsync(node, PortalPaths.Home, SignIn);
        using var signedIn = await signInForm.PostAsync(node, ("user", TestWorld.Owner), ("password", TestWorld.Password));
        var session = PortalForm.SessionFrom(signedIn) ?? throw new InvalidOperationException("The sign-in set no session cookie.");
        var signOutForm = await PortalForm.RenderAsync(node, PortalPaths.Accounts, SignOut, session);

        using var refused = await (signOutForm with { Token = "CfDJ8-made-up" }).PostAsync(node);

        await AssertPageExpiredAsync(refused, again: SignOut);
        using var client = PortalForm.NewClient(node);
        using var request = new HttpRequestMessage(HttpMethod.Get, PortalPaths.Accounts);
        request.Headers.Add("Cookie", $"{PortalForm.SessionCookie}={session}");
        using var stillSignedIn = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, stillSignedIn.StatusCode); // the session was not ended
    }

    [Fact]
    public async Task The_link_opens_the_page_again_with_its_own_query_and_without_the_forms_handler()
    {
        var node = new Uri(fixture.App.Urls.First());
        var form = await PortalForm.RenderAsync(node, PortalPaths.Home, SignIn);

        using var refused = await (form with { Action = SignIn + "?returnUrl=%2Fportal%2Faccounts&handler=Again", Token = "CfDJ8-made-up" })
            .PostAsync(node, ("user", TestWorld.Owner), ("password", TestWorld.Password));

        await AssertPageExpiredAsync(refused, again: SignIn + "?returnUrl=%2Fportal%2Faccounts");
        Assert.Null(PortalForm.SessionFrom(refused));
    }

    private static async Task AssertPageExpiredAsync(HttpResponseMessage response, string again)
    {
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>This page expired</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{again}\">Open the page again</a>", html, StringComparison.Ordinal);
        Assert.Contains("data-code=\"VALIDATION_FAILED\"", html, StringComparison.Ordinal);
        Assert.Contains("portal.css", html, StringComparison.Ordinal); // the portal's layout, not a bare answer
    }
}
