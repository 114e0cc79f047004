using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ProductKeys.Portal.Tests;

/// <summary>The portal's session: the cookie's flags, sign-out ending it on the server, forged cookies and forms without antiforgery refused.</summary>
[Collection(PortalGroup.Name)]
public sealed class SessionTests(PortalFixture portal)
{
    [Fact]
    public async Task Strangers_get_the_sign_in_page_and_a_wrong_password_is_refused_in_words()
    {
        var page = await portal.NewPageAsync();
        await page.GotoAsync("/");
        Assert.True(await page.GetByLabel("User name").IsVisibleAsync());
        Assert.True(await page.GetByLabel("Password").IsVisibleAsync());
        Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).IsVisibleAsync());

        await page.GetByLabel("User name").FillAsync("nobody-at-all");
        await page.GetByLabel("Password").FillAsync("wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var alert = page.GetByRole(AriaRole.Alert);
        Assert.Equal("UNAUTHENTICATED", await alert.GetAttributeAsync("data-code"));
        Assert.Contains("Wrong user name or password.", await alert.TextContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "pk_portal");

        await page.GotoAsync("/portal/accounts");
        Assert.EndsWith("/", page.Url, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_session_cookie_is_HttpOnly_and_SameSite_Strict_and_sign_out_ends_the_session_on_the_server()
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "global-admin");
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "pk_portal");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal(-1, cookie.Expires); // a browser-session cookie; the server-side session slides

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await PortalFixture.ArrivedAtAsync(page, "^" + Regex.Escape(portal.Url + "/") + "$");
        Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).IsVisibleAsync());
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "pk_portal");

        // The old cookie, replayed in another browser, no longer opens anything.
        var replay = await portal.NewPageAsync();
        await replay.Context.AddCookiesAsync([new Cookie { Name = cookie.Name, Value = cookie.Value, Url = portal.Url }]);
        await replay.GotoAsync(portal.KeysPath);
        Assert.Equal(portal.Url + "/", replay.Url);
        Assert.Equal(0, await replay.Locator("tr[data-key-id]").CountAsync());
        await page.Context.CloseAsync();
        await replay.Context.CloseAsync();
    }

    [Theory]
    [InlineData("forged")]
    [InlineData("api-token")]
    public async Task A_forged_cookie_or_an_API_token_as_the_cookie_is_refused(string kind)
    {
        var value = kind == "forged" ? "pk_" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=') : portal.Token("global-admin");
        var page = await portal.NewPageAsync();
        await page.Context.AddCookiesAsync([new Cookie { Name = "pk_portal", Value = value, Url = portal.Url }]);
        await page.GotoAsync(portal.KeysPath);
        Assert.Equal(portal.Url + "/", page.Url);
        Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).IsVisibleAsync());

        var download = await page.APIRequest.PostAsync(portal.KeysPath + "?handler=Download", new() { MaxRedirects = 0 });
        Assert.Equal(302, download.Status);
        Assert.DoesNotContain("text/csv", download.Headers.GetValueOrDefault("content-type", ""), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_form_without_its_antiforgery_token_is_refused()
    {
        // Sign-in without the token: refused, no session.
        var stranger = await portal.NewPageAsync();
        await stranger.GotoAsync("/");
        var signIn = await stranger.APIRequest.PostAsync("/portal/sign-in", new()
        {
            Form = stranger.APIRequest.CreateFormData().Set("user", "global-admin").Set("password", PortalFixture.Password),
            Headers = new Dictionary<string, string> { ["Accept"] = "text/html" },
            MaxRedirects = 0,
        });
        Assert.Equal(400, signIn.Status);
        Assert.Contains("antiforgery", await signIn.TextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(await stranger.Context.CookiesAsync(), c => c.Name == "pk_portal");

        // A signed-in user's download without the token (or with a made-up one): refused, nothing audited.
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "global-admin");
        var before = await portal.AuditCountAsync("keys.exported.csv", "global-admin");
        foreach (var form in new[] { page.APIRequest.CreateFormData(), page.APIRequest.CreateFormData().Set("__pk_antiforgery", "CfDJ8-made-up") })
        {
            var response = await page.APIRequest.PostAsync(portal.KeysPath + "?handler=Download", new()
            {
                Form = form,
                Headers = new Dictionary<string, string> { ["Accept"] = "text/html" },
            });
            Assert.Equal(400, response.Status);
            var body = await response.TextAsync();
            Assert.Contains("VALIDATION_FAILED", body, StringComparison.Ordinal);
            Assert.DoesNotContain("id,key,type", body, StringComparison.Ordinal);
        }

        Assert.Equal(before, await portal.AuditCountAsync("keys.exported.csv", "global-admin"));
        await stranger.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_form_whose_token_no_longer_holds_shows_the_page_expired_page_and_leads_back()
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "global-admin");
        await page.GotoAsync(portal.KeysPath);
        var before = await portal.AuditCountAsync("keys.exported.csv", "global-admin");

        // The page stays open while its antiforgery cookie goes (cleared, expired, another browser profile).
        await page.Context.ClearCookiesAsync(new() { Name = "pk_antiforgery" });
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).ClickAsync(),
            r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        await PortalFixture.ArrivedAtAsync(page, "handler=Download");
        Assert.Equal("This page expired", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).TextContentAsync());
        Assert.Equal("VALIDATION_FAILED", await page.GetByRole(AriaRole.Alert).GetAttributeAsync("data-code"));
        Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).IsVisibleAsync()); // the portal's own layout
        Assert.Equal(before, await portal.AuditCountAsync("keys.exported.csv", "global-admin"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Open the page again" }).ClickAsync();
        await PortalFixture.ArrivedAtAsync(page, Regex.Escape(portal.KeysPath) + "$");
        Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).IsVisibleAsync());
        await page.Context.CloseAsync();
    }
}
