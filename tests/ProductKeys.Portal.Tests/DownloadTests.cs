using Microsoft.Playwright;

namespace ProductKeys.Portal.Tests;

/// <summary>"Download CSV" is the API's export, byte for byte, and audited as the API audits it; so is a view.</summary>
[Collection(PortalGroup.Name)]
public sealed class DownloadTests(PortalFixture portal)
{
    [Fact]
    public async Task Download_CSV_is_the_API_export_byte_for_byte_and_both_the_view_and_the_download_are_audited()
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "billing-contributor");
        var viewsBefore = await portal.AuditCountAsync("keys.viewed", "billing-contributor");
        var exportsBefore = await portal.AuditCountAsync("keys.exported.csv", "billing-contributor");

        await page.GotoAsync(portal.KeysPath);
        Assert.Equal(viewsBefore + 1, await portal.AuditCountAsync("keys.viewed", "billing-contributor"));

        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).ClickAsync());
        var portalBytes = await File.ReadAllBytesAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        Assert.Equal($"product-keys-{portal.AccountId}.csv", download.SuggestedFilename);
        Assert.Equal(exportsBefore + 1, await portal.AuditCountAsync("keys.exported.csv", "billing-contributor"));

        using var api = await portal.ApiGetAsync("billing-contributor", $"/api/v1/billing-accounts/{portal.AccountId}/product-keys/export");
        var apiBytes = await api.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.True(apiBytes.Length > 100, "The API export should hold the demo's keys.");
        Assert.Equal(apiBytes, portalBytes);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_refused_user_gets_no_download_and_no_audit_entry()
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "billing-reader");
        await page.GotoAsync(portal.KeysPath);
        // The page offers no button; a hand-made POST with a valid antiforgery token is refused by the key rule.
        var token = await page.Locator("input[name='__pk_antiforgery']").First.GetAttributeAsync("value");
        var response = await page.APIRequest.PostAsync(portal.KeysPath + "?handler=Download", new()
        {
            Form = page.APIRequest.CreateFormData().Set("__pk_antiforgery", token!),
            Headers = new Dictionary<string, string> { ["Accept"] = "text/html" },
        });
        Assert.Equal(403, response.Status);
        Assert.DoesNotContain("text/csv", response.Headers.GetValueOrDefault("content-type", ""), StringComparison.Ordinal);
        Assert.Contains("FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR", await response.TextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await portal.AuditCountAsync("keys.exported.csv", "billing-reader"));
        await page.Context.CloseAsync();
    }
}
