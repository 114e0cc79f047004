using Microsoft.Playwright;

namespace ProductKeys.Portal.Tests;

/// <summary>
/// The product keys page shows 100 keys at a time (an account may hold 10,000): every key is on exactly one
/// page, in the API's order, the filters stay on while paging, and a page number out of range shows the
/// nearest page. Its own billing account, so the demo account's keys stay as other tests expect them.
/// </summary>
[Collection(PortalGroup.Name)]
public sealed class PagingTests(PortalFixture portal)
{
    private const int Packages = 150;

    [Fact]
    public async Task An_account_with_150_keys_shows_them_100_at_a_time_each_key_once_in_the_API_order()
    {
        var accountId = await AccountWithManyKeysAsync();
        var listed = (await portal.ApiJsonAsync("billing-contributor", $"/api/v1/billing-accounts/{accountId}/product-keys")).EnumerateArray().ToList();
        var everyKey = listed.Select(k => k.GetProperty("id").GetString()!).ToList();
        var partials = listed.Select(k => k.GetProperty("key").GetString()![^5..]).ToList();
        Assert.Equal(Packages, everyKey.Count);

        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "billing-contributor");
        await page.GotoAsync($"/portal/accounts/{accountId}/keys");
        Assert.Equal($"Keys 1–100 of {Packages}", (await page.GetByRole(AriaRole.Status).TextContentAsync())?.Trim());
        var pager = page.GetByRole(AriaRole.Navigation, new() { Name = "Pages of keys" });
        Assert.Contains("Page 1 of 2", await pager.TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await pager.GetByRole(AriaRole.Link, new() { Name = "Previous" }).CountAsync());
        var shown = await RowIdsAsync(page);
        Assert.Equal(100, shown.Count);

        await pager.GetByRole(AriaRole.Link, new() { Name = "Next" }).ClickAsync();
        Assert.Equal($"Keys 101–{Packages} of {Packages}", (await page.GetByRole(AriaRole.Status).TextContentAsync())?.Trim());
        Assert.Equal(0, await pager.GetByRole(AriaRole.Link, new() { Name = "Next" }).CountAsync());
        shown.AddRange(await RowIdsAsync(page));
        Assert.Equal(everyKey, shown);

        // The view is audited as shown: this page's keys, not the account's first ones.
        var audited = (await portal.ApiJsonAsync("publisher-admin", "/api/v1/audit?limit=10000")).EnumerateArray()
            .Last(e => e.GetProperty("action").GetString() == "keys.viewed" && e.GetProperty("subject").GetString() == $"billing-account:{accountId}")
            .GetProperty("detail").GetString()!;
        Assert.Equal($"{Packages - 100} key(s), keys 101–{Packages} of {Packages}: {string.Join(' ', partials.Skip(100))}", audited);

        // The filter stays on from page to page; a page number out of range or unreadable shows the nearest page.
        await page.GotoAsync($"/portal/accounts/{accountId}/keys?type=Mak&page-number=2");
        Assert.Equal(Packages - 100, (await RowIdsAsync(page)).Count);
        Assert.Contains("type=Mak", await page.GetByRole(AriaRole.Link, new() { Name = "Previous" }).GetAttributeAsync("href"), StringComparison.Ordinal);
        await page.GotoAsync($"/portal/accounts/{accountId}/keys?type=KmsHost");
        Assert.Equal("0 keys", (await page.GetByRole(AriaRole.Status).TextContentAsync())?.Trim());
        foreach (var (number, first) in new[] { ("999", 100), ("0", 0), ("-3", 0), ("two", 0) })
        {
            var response = await page.GotoAsync($"/portal/accounts/{accountId}/keys?page-number={number}");
            Assert.Equal(200, response!.Status);
            Assert.Equal(everyKey[first], (await RowIdsAsync(page))[0]);
        }

        await page.Context.CloseAsync();
    }

    private static async Task<List<string>> RowIdsAsync(IPage page) =>
        [.. (await page.Locator("tr[data-key-id]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.keyId)"))];

    /// <summary>A new account of the demo organization, owned by billing-contributor, with 150 CAL packages (one MAK each).</summary>
    private async Task<string> AccountWithManyKeysAsync()
    {
        var organization = (await portal.ApiJsonAsync("global-admin", "/api/v1/billing-accounts")).EnumerateArray()
            .Single(a => a.GetProperty("id").GetString() == portal.AccountId).GetProperty("organizationId").GetString();
        var account = await portal.ApiPostAsync("publisher-admin", $"/api/v1/organizations/{organization}/billing-accounts",
            new { name = $"Paging {Guid.NewGuid():N}", owner = "billing-contributor" });
        var accountId = account.GetProperty("id").GetString()!;
        await portal.ApiPostAsync("billing-contributor", $"/api/v1/billing-accounts/{accountId}/orders",
            new { product = "contoso-server-cal", quantity = Packages * 500, split = true });
        return accountId;
    }
}
