using Microsoft.Playwright;

namespace ProductKeys.Portal.Tests;

/// <summary>Owners and contributors place orders in the portal; a Reader is refused with the API's reason.</summary>
[Collection(PortalGroup.Name)]
public sealed class OrderTests(PortalFixture portal)
{
    [Fact]
    public async Task A_contributor_places_a_split_CAL_order_and_sees_its_packages_and_keys()
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "billing-contributor");
        await page.GetByRole(AriaRole.Link, new() { Name = "Orders", Exact = false }).First.ClickAsync();
        await PortalFixture.ArrivedAtAsync(page, "/orders$");
        Assert.Contains("each with its own key package", await page.Locator("#split-help").TextContentAsync(), StringComparison.Ordinal);

        await page.GetByLabel("Product").SelectOptionAsync("contoso-server-cal");
        await page.GetByLabel("Quantity").FillAsync("1200");
        await page.GetByLabel("Split into packages of 500").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        await PortalFixture.ArrivedAtAsync(page, @"/orders\?placed=");

        var purchase = new Uri(page.Url).Query.Split('=')[1];
        Assert.Contains("Order placed: 3 order(s)", await page.Locator(".done").TextContentAsync(), StringComparison.Ordinal);
        var cards = page.Locator($"article[data-purchase-id='{purchase}']");
        Assert.Equal(3, await cards.CountAsync());
        var quantities = new List<string>();
        foreach (var card in await cards.AllAsync())
        {
            quantities.Add((await card.Locator("h3").TextContentAsync())!.Split('×')[1].Trim());
            Assert.Equal("500", (await card.Locator("td[data-label='Installed quantity']").TextContentAsync())!.Trim());
            Assert.Contains("MAK", await card.Locator("td[data-label='Keys']").TextContentAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(["200", "500", "500"], quantities.Order(StringComparer.Ordinal));
        var orderIds = await cards.EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.orderId)");

        await page.GotoAsync(portal.KeysPath);
        var orderCells = await page.Locator("td[data-label='Order'] code").AllTextContentsAsync();
        foreach (var orderId in orderIds)
        {
            Assert.Contains(orderId[..8], orderCells);
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_reader_sees_the_reason_and_no_order_form()
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "billing-reader");
        await page.GotoAsync($"/portal/accounts/{portal.AccountId}/orders");
        var problem = page.Locator(".problem");
        Assert.Equal("FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR", await problem.GetAttributeAsync("data-code"));
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).CountAsync());
        Assert.True(await page.Locator("article[data-order-id]").CountAsync() > 0, "A Reader still reads the orders.");

        // The form posted by hand, with a valid antiforgery token of the session: the API's rule refuses it.
        var ordersBefore = (await portal.ApiJsonAsync("global-admin", $"/api/v1/billing-accounts/{portal.AccountId}/orders")).GetArrayLength();
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("__pk_antiforgery", (await page.Locator("input[name='__pk_antiforgery']").First.GetAttributeAsync("value"))!);
        form.Set("product", "contoso-desktop");
        form.Set("quantity", "5");
        var posted = await page.Context.APIRequest.PostAsync($"/portal/accounts/{portal.AccountId}/orders", new() { Form = form });
        Assert.Equal(403, posted.Status);
        Assert.Contains("FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR", await posted.TextAsync(), StringComparison.Ordinal);
        Assert.Equal(ordersBefore, (await portal.ApiJsonAsync("global-admin", $"/api/v1/billing-accounts/{portal.AccountId}/orders")).GetArrayLength());
        await page.Context.CloseAsync();
    }
}
