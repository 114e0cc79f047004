using System.Net;
using ProductKeys.Service.Portal;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>
/// The product keys page's filters are the visitor's text: a filter's refusal never names another organization's
/// account (ADR 0005), and a product filter that is no product ID is refused before it reaches the database.
/// </summary>
public abstract class KeysPageFilterTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("")]
    [InlineData("?type=bogus")]
    [InlineData("?product=a%00b")]
    public async Task Another_organizations_account_is_not_found_and_not_named_whatever_the_filter(string query)
    {
        var (status, html) = await KeysPageAsync(fixture.World.AccountB, query);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("data-code=\"NOT_FOUND\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Account B", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a%00b")]
    [InlineData("Not%20A%20Product")]
    public async Task A_product_filter_that_is_no_product_ID_is_VALIDATION_FAILED_and_shows_no_key(string product)
    {
        var (status, html) = await KeysPageAsync(fixture.World.AccountA, "?product=" + product);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("data-code=\"VALIDATION_FAILED\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-key-id", html, StringComparison.Ordinal);
    }

    /// <summary>The keys page of <paramref name="account"/> with <paramref name="query"/>, as the Global administrator and Owner of account A sees it.</summary>
    private async Task<(HttpStatusCode Status, string Html)> KeysPageAsync(Guid account, string query)
    {
        var node = new Uri(fixture.App.Urls.First());
        var form = await PortalForm.RenderAsync(node, PortalPaths.Home, "/portal/sign-in");
        using var signedIn = await form.PostAsync(node, ("user", TestWorld.Owner), ("password", TestWorld.Password));
        var session = PortalForm.SessionFrom(signedIn) ?? throw new InvalidOperationException("The sign-in set no session cookie.");
        using var client = PortalForm.NewClient(node);
        using var request = new HttpRequestMessage(HttpMethod.Get, PortalPaths.Keys(account) + query);
        request.Headers.Add("Cookie", $"{PortalForm.SessionCookie}={session}");
        request.Headers.Add("Accept", "text/html");
        using var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }
}

public sealed class SqliteKeysPageFilterTests(SqliteFixture fixture) : KeysPageFilterTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresKeysPageFilterTests(PostgresFixture fixture) : KeysPageFilterTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
