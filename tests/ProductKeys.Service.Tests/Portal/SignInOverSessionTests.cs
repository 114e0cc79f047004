using System.Net;
using ProductKeys.Service.Portal;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>
/// Signing in again over a live portal session ends the old session on the server: before, both stayed valid, so a copy
/// of the first cookie kept working after the browser had been handed a new one (found by a hostile review of the portal).
/// </summary>
public sealed class SignInOverSessionTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Uri Node => new(fixture.App.Urls.First());

    [Fact]
    public async Task Signing_in_over_a_session_ends_the_old_one_and_the_new_one_works()
    {
        var first = await SignInAsync(null);
        Assert.Equal(HttpStatusCode.OK, await AccountsStatusAsync(first));

        var second = await SignInAsync(first);

        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Redirect, await AccountsStatusAsync(first));
        Assert.Equal(HttpStatusCode.OK, await AccountsStatusAsync(second));
    }

    private async Task<string> SignInAsync(string? session)
    {
        // A signed-in browser holds no sign-in form; any form of the session's pages carries a token for it.
        var form = session is null
            ? await PortalForm.RenderAsync(Node, PortalPaths.Home, "/portal/sign-in")
            : await PortalForm.RenderAsync(Node, PortalPaths.Accounts, "/portal/sign-out", session) with { Action = "/portal/sign-in" };
        using var signedIn = await form.PostAsync(Node, ("user", TestWorld.Owner), ("password", TestWorld.Password));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return PortalForm.SessionFrom(signedIn) ?? throw new InvalidOperationException("The sign-in set no session cookie.");
    }

    private async Task<HttpStatusCode> AccountsStatusAsync(string session)
    {
        using var client = PortalForm.NewClient(Node);
        using var request = new HttpRequestMessage(HttpMethod.Get, PortalPaths.Accounts);
        request.Headers.Add("Cookie", $"{PortalForm.SessionCookie}={session}");
        using var response = await client.SendAsync(request, Ct);
        return response.StatusCode;
    }
}
