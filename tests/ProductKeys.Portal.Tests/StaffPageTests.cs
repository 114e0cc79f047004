using Microsoft.Playwright;
using ProductKeys.Cli.Tests.EndToEnd;

namespace ProductKeys.Portal.Tests;

/// <summary>Publisher staff read the catalog, activations per day and the audit log; customers are refused.</summary>
[Collection(PortalGroup.Name)]
public sealed class StaffPageTests(PortalFixture portal) : IDisposable
{
    private readonly string _stores = Directory.CreateTempSubdirectory("pk-portal-staff-").FullName;

    [Fact]
    public async Task Staff_see_the_catalog_and_a_real_activation_in_the_chart_drawn_without_script()
    {
        var plain = (await portal.ApiJsonAsync("billing-contributor", $"/api/v1/billing-accounts/{portal.AccountId}/product-keys")).EnumerateArray()
            .First(k => k.GetProperty("product").GetString() == "contoso-desktop" && k.GetProperty("type").GetString() == "Mak")
            .GetProperty("key").GetString()!;
        var store = Path.Combine(_stores, "device");
        var installed = await Pk.RunAsync("ipk", plain, "--product", "contoso-desktop", "--store", store, "--service", portal.Url, "--device-id", "chart-device");
        Assert.True(installed.ExitCode == 0, installed.ToString());
        var activated = await Pk.RunAsync("ato", "--store", store, "--trust-on-first-use", "--json");
        Assert.True(activated.ExitCode == 0, activated.ToString());

        var context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.Url, JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await PortalFixture.SignInAsync(page, "publisher-admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Catalog" }).ClickAsync();
        await PortalFixture.ArrivedAtAsync(page, "/portal/catalog$");
        Assert.Equal(4, await page.Locator("tr[data-product-id]").CountAsync());
        Assert.Equal("MAK, KMS host key", (await page.Locator("tr[data-product-id='contoso-server'] td[data-label='An order yields']").TextContentAsync())!.Trim());

        var chart = page.Locator("section.chart[data-product-id='contoso-desktop']");
        var title = await chart.Locator("svg title").First.TextContentAsync();
        Assert.StartsWith("Contoso Desktop 2026, first activations per day: ", title, StringComparison.Ordinal);
        Assert.True(await chart.Locator("svg rect.bar").CountAsync() >= 1);
        // The activation's UTC day: today, or yesterday when midnight passed since it.
        var now = TimeProvider.System.GetUtcNow();
        var days = new[] { now, now.AddDays(-1) }.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(await chart.Locator("table.per-day time").EvaluateAllAsync<string[]>("times => times.map(t => t.getAttribute('datetime'))"), days.Contains);
        await context.CloseAsync();
    }

    [Fact]
    public async Task Staff_see_the_audit_log_with_an_intact_chain()
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "publisher-admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await PortalFixture.ArrivedAtAsync(page, "/portal/audit$");
        Assert.Equal("intact", await page.Locator(".chain").GetAttributeAsync("data-chain"));
        var verified = await portal.ApiJsonAsync("publisher-admin", "/api/v1/audit/verify");
        Assert.True(verified.GetProperty("valid").GetBoolean());
        Assert.True(await page.Locator("tr[data-sequence]").CountAsync() > 0);
        Assert.Contains("order.placed", await page.Locator("table.audit").TextContentAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("global-admin", "/portal/catalog")]
    [InlineData("billing-contributor", "/portal/audit")]
    [InlineData("billing-contributor", "/portal/catalog")]
    public async Task Customers_are_refused_the_staff_pages_in_words(string user, string path)
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, user);
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).CountAsync());
        var response = await page.GotoAsync(path);
        Assert.Equal(403, response!.Status);
        Assert.Equal("FORBIDDEN", await page.GetByRole(AriaRole.Alert).GetAttributeAsync("data-code"));
        Assert.Equal(0, await page.Locator("tr[data-product-id], tr[data-sequence]").CountAsync());
        await page.Context.CloseAsync();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_stores, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
