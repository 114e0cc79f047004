using Microsoft.Playwright;

namespace ProductKeys.Portal.Tests;

/// <summary>
/// Each demo user signs in and opens the demo account's product keys page: exactly the users the key
/// rule allows (docs/product.md §6) see keys, masked until "Show"; everyone else sees the API's reason.
/// </summary>
[Collection(PortalGroup.Name)]
public sealed class KeyRuleTests(PortalFixture portal)
{
    /// <summary>
    /// Written from docs/product.md §6, not from AccessRules: at least Billing administrator (checked first),
    /// and Owner or Contributor of the account.
    /// </summary>
    public static TheoryData<string, string, string?> DemoUsers => new()
    {
        { "global-admin", "Global administrator", null },
        { "billing-contributor", "Billing administrator", null },
        { "billing-reader", "Billing administrator", "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR" },
        { "billing-no-role", "Billing administrator", "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR" },
        { "user-owner", "User", "FORBIDDEN_NOT_BILLING_ADMIN" },
        { "publisher-admin", "Publisher staff", "FORBIDDEN_NOT_BILLING_ADMIN" },
    };

    [Theory]
    [MemberData(nameof(DemoUsers))]
    public async Task Each_demo_user_sees_exactly_what_the_key_rule_allows(string user, string directoryRole, string? refusal)
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, user);
        Assert.Equal(user, await page.GetByTestId("signed-in-user").TextContentAsync());
        Assert.Equal(directoryRole, await page.GetByTestId("directory-role").TextContentAsync());
        Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).IsVisibleAsync());

        var link = page.GetByRole(AriaRole.Link, new() { Name = "Products and product keys" });
        if (await link.CountAsync() > 0)
        {
            await link.First.ClickAsync();
        }
        else
        {
            // billing-no-role holds no role, so the list is empty: the page is reached by its address.
            Assert.Equal("billing-no-role", user);
            await page.GotoAsync(portal.KeysPath);
        }

        var everyKey = await portal.ApiJsonAsync("global-admin", $"/api/v1/billing-accounts/{portal.AccountId}/product-keys");
        var html = await page.ContentAsync();
        if (refusal is null)
        {
            var rows = page.Locator("tr[data-key-id]");
            Assert.Equal(everyKey.GetArrayLength(), await rows.CountAsync());
            foreach (var key in everyKey.EnumerateArray())
            {
                var plain = page.Locator($"#key-{key.GetProperty("id").GetString()}");
                Assert.Equal(key.GetProperty("key").GetString(), await plain.TextContentAsync());
                Assert.False(await plain.IsVisibleAsync(), "A key must stay masked until Show is pressed.");
            }

            var first = everyKey[0];
            var firstRow = page.Locator($"tr[data-key-id='{first.GetProperty("id").GetString()}']");
            Assert.Contains(first.GetProperty("key").GetString()![^5..], await firstRow.Locator(".masked").TextContentAsync(), StringComparison.Ordinal);
            await firstRow.Locator("summary").ClickAsync();
            Assert.True(await firstRow.Locator("code.plain").IsVisibleAsync());
            Assert.True(await firstRow.GetByRole(AriaRole.Button, new() { NameRegex = new("^Copy") }).IsVisibleAsync());
            Assert.DoesNotContain(first.GetProperty("key").GetString()!, page.Url, StringComparison.Ordinal);
        }
        else
        {
            var api = await portal.ApiJsonAsync(user, $"/api/v1/billing-accounts/{portal.AccountId}/product-keys");
            var alert = page.GetByRole(AriaRole.Alert);
            Assert.Equal(refusal, api.GetProperty("code").GetString());
            Assert.Equal(refusal, await alert.GetAttributeAsync("data-code"));
            Assert.Contains(api.GetProperty("detail").GetString()!, await alert.TextContentAsync(), StringComparison.Ordinal);
            Assert.Contains("What to do:", html, StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("tr[data-key-id]").CountAsync());
            Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).CountAsync());
            foreach (var key in everyKey.EnumerateArray())
            {
                Assert.DoesNotContain(key.GetProperty("key").GetString()!, html, StringComparison.Ordinal);
            }
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Filters_by_product_and_key_type_show_only_matching_keys()
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "billing-contributor");
        await page.GotoAsync(portal.KeysPath);
        await page.GetByLabel("Product").SelectOptionAsync("contoso-server");
        await page.GetByLabel("Key type").SelectOptionAsync("KmsHost");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await PortalFixture.ArrivedAtAsync(page, "type=KmsHost");

        var expected = (await portal.ApiJsonAsync("billing-contributor", $"/api/v1/billing-accounts/{portal.AccountId}/product-keys"))
            .EnumerateArray()
            .Where(k => k.GetProperty("product").GetString() == "contoso-server" && k.GetProperty("type").GetString() == "KmsHost")
            .Select(k => k.GetProperty("id").GetString())
            .ToList();
        var shown = await page.Locator("tr[data-key-id]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.keyId)");
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(), shown.Order());
        Assert.Equal("KMS host key", await page.Locator("tr[data-key-id] td").First.TextContentAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_unknown_account_answers_not_found_in_words_without_naming_it()
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "global-admin");
        var response = await page.GotoAsync($"/portal/accounts/{Guid.NewGuid()}/keys");
        Assert.Equal(404, response!.Status);
        Assert.Equal("NOT_FOUND", await page.GetByRole(AriaRole.Alert).GetAttributeAsync("data-code"));
        Assert.Contains("Not found", await page.GetByRole(AriaRole.Alert).TextContentAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_bad_key_type_filter_is_refused_with_a_code_and_discloses_nothing()
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "global-admin");
        var before = await portal.AuditCountAsync("keys.viewed", "global-admin");
        var response = await page.GotoAsync(portal.KeysPath + "?type=Nonsense");
        Assert.Equal(400, response!.Status);
        Assert.Equal("VALIDATION_FAILED", await page.GetByRole(AriaRole.Alert).GetAttributeAsync("data-code"));
        Assert.Equal(0, await page.Locator("tr[data-key-id]").CountAsync());
        Assert.Equal(before, await portal.AuditCountAsync("keys.viewed", "global-admin"));
        await page.Context.CloseAsync();
    }
}
