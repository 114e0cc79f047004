using System.Net.Http.Json;
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

    [Fact]
    public async Task A_MAK_with_130_devices_shows_them_100_at_a_time_newest_first_each_device_once()
    {
        const int devices = 130;
        var accountId = await NewAccountAsync();
        await portal.ApiPostAsync("billing-contributor", $"/api/v1/billing-accounts/{accountId}/orders", new { product = "contoso-desktop", quantity = devices });
        var mak = (await portal.ApiJsonAsync("billing-contributor", $"/api/v1/billing-accounts/{accountId}/product-keys")).EnumerateArray()
            .Single(k => k.GetProperty("type").GetString() == "Mak");
        for (var i = 0; i < devices; i++)
        {
            using var activated = await portal.Api.PostAsJsonAsync("/api/v1/activations",
                new { key = mak.GetProperty("key").GetString(), product = "contoso-desktop", hardwareId = DeviceHardwareId() }, TestContext.Current.CancellationToken);
            Assert.True(activated.IsSuccessStatusCode, await activated.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "billing-reader");
        await page.GotoAsync($"/portal/accounts/{accountId}/keys/{mak.GetProperty("id").GetString()}");
        Assert.Equal($"Devices 1–100 of {devices}, newest first", (await page.GetByTestId("device-count").TextContentAsync())?.Trim());
        var first = await DevicesAsync(page);
        Assert.Equal(100, first.Count);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Pages of devices" }).GetByRole(AriaRole.Link, new() { Name = "Next" }).ClickAsync();
        Assert.Equal($"Devices 101–{devices} of {devices}, newest first", (await page.GetByTestId("device-count").TextContentAsync())?.Trim());
        var second = await DevicesAsync(page);

        var shown = first.Concat(second).ToList();
        Assert.Equal(devices, shown.Select(d => d.Id).Distinct().Count());
        var times = shown.Select(d => DateTimeOffset.Parse(d.FirstActivated, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        Assert.Contains($"{devices} of", (await page.GetByTestId("remaining").TextContentAsync())!, StringComparison.Ordinal);

        // A page number past the end shows the last page.
        await page.GotoAsync($"/portal/accounts/{accountId}/keys/{mak.GetProperty("id").GetString()}?page-number=99");
        Assert.Equal(second.Select(d => d.Id), (await DevicesAsync(page)).Select(d => d.Id));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_account_with_55_orders_shows_them_50_at_a_time_newest_first_each_order_once()
    {
        const int orders = 55;
        var accountId = await NewAccountAsync();
        for (var i = 0; i < orders; i++)
        {
            await portal.ApiPostAsync("billing-contributor", $"/api/v1/billing-accounts/{accountId}/orders", new { product = "contoso-desktop", quantity = 1 });
        }

        var oldestFirst = (await portal.ApiJsonAsync("billing-reader", $"/api/v1/billing-accounts/{accountId}/orders")).EnumerateArray()
            .Select(o => o.GetProperty("id").GetString()!).ToList();
        Assert.Equal(orders, oldestFirst.Count);

        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "billing-reader");
        await page.GotoAsync($"/portal/accounts/{accountId}/orders");
        Assert.Equal($"Orders 1–50 of {orders}, newest first", (await page.GetByTestId("order-count").TextContentAsync())?.Trim());
        var shown = await OrderIdsAsync(page);
        Assert.Equal(50, shown.Count);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Pages of orders" }).GetByRole(AriaRole.Link, new() { Name = "Next" }).ClickAsync();
        shown.AddRange(await OrderIdsAsync(page));
        Assert.Equal(Enumerable.Reverse(oldestFirst), shown);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Publisher_staff_see_every_billing_account_100_a_page_by_name()
    {
        var organization = await DemoOrganizationAsync();
        for (var i = 0; i < 101; i++)
        {
            // Named to sort last, so the demo account stays on the first page for the other tests.
            await portal.ApiPostAsync("publisher-admin", $"/api/v1/organizations/{organization}/billing-accounts",
                new { name = $"Zz paging {Guid.NewGuid():N}", owner = "billing-contributor" });
        }

        var everyAccount = (await portal.ApiJsonAsync("publisher-admin", "/api/v1/billing-accounts")).EnumerateArray()
            .Select(a => a.GetProperty("name").GetString()!).ToList();
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "publisher-admin");
        await page.GotoAsync("/portal/accounts");
        Assert.Equal($"Billing accounts 1–100 of {everyAccount.Count}, by name", (await page.GetByTestId("account-count").TextContentAsync())?.Trim());
        var shown = await AccountNamesAsync(page);
        var pager = page.GetByRole(AriaRole.Navigation, new() { Name = "Pages of billing accounts" });
        while (await pager.GetByRole(AriaRole.Link, new() { Name = "Next" }).CountAsync() == 1)
        {
            await pager.GetByRole(AriaRole.Link, new() { Name = "Next" }).ClickAsync();
            shown.AddRange(await AccountNamesAsync(page));
        }

        Assert.Equal(everyAccount, shown);
        await page.Context.CloseAsync();
    }

    private static async Task<List<string>> AccountNamesAsync(IPage page) =>
        [.. (await page.Locator("ul.accounts li h2").AllTextContentsAsync()).Select(n => n.Trim())];

    private static async Task<List<(string Id, string FirstActivated)>> DevicesAsync(IPage page) =>
        [.. (await page.Locator("tr[data-activation-id]").EvaluateAllAsync<string[][]>(
            "rows => rows.map(r => [r.dataset.activationId, r.querySelector('time').getAttribute('datetime')])")).Select(r => (r[0], r[1]))];

    private static async Task<List<string>> OrderIdsAsync(IPage page) =>
        [.. await page.Locator("article[data-order-id]").EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.orderId)")];

    /// <summary>A device's hardware ID as the service reads it: one operator device ID component (tag 15) of random hash bits.</summary>
    private static string DeviceHardwareId()
    {
        var bytes = new byte[] { 1, 15, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes.AsSpan(3));
        return "hw1." + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static async Task<List<string>> RowIdsAsync(IPage page) =>
        [.. (await page.Locator("tr[data-key-id]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.keyId)"))];

    /// <summary>A new account of the demo organization, owned by billing-contributor, with 150 CAL packages (one MAK each).</summary>
    private async Task<string> AccountWithManyKeysAsync()
    {
        var accountId = await NewAccountAsync();
        await portal.ApiPostAsync("billing-contributor", $"/api/v1/billing-accounts/{accountId}/orders",
            new { product = "contoso-server-cal", quantity = Packages * 500, split = true });
        return accountId;
    }

    /// <summary>A new account of the demo organization, owned by billing-contributor and read by billing-reader.</summary>
    private async Task<string> NewAccountAsync()
    {
        var organization = await DemoOrganizationAsync();
        var account = await portal.ApiPostAsync("publisher-admin", $"/api/v1/organizations/{organization}/billing-accounts",
            new { name = $"Paging {Guid.NewGuid():N}", owner = "billing-contributor" });
        var accountId = account.GetProperty("id").GetString()!;
        await portal.ApiPostAsync("billing-contributor", $"/api/v1/billing-accounts/{accountId}/roles", new { user = "billing-reader", role = "Reader" });
        return accountId;
    }

    private async Task<string> DemoOrganizationAsync() =>
        (await portal.ApiJsonAsync("global-admin", "/api/v1/billing-accounts")).EnumerateArray()
            .Single(a => a.GetProperty("id").GetString() == portal.AccountId).GetProperty("organizationId").GetString()!;
}
