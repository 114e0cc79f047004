using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ProductKeys.Cli.Tests.EndToEnd;

namespace ProductKeys.Portal.Tests;

/// <summary>Publisher staff manage keys in the portal, and a real device's <c>pk ato</c> sees the change.</summary>
[Collection(PortalGroup.Name)]
public sealed partial class PublisherTests(PortalFixture portal) : IDisposable
{
    private readonly string _stores = Directory.CreateTempSubdirectory("pk-portal-devices-").FullName;

    [Fact]
    public async Task Publisher_staff_raise_a_MAK_limit_and_block_a_key_and_a_device_sees_both()
    {
        var mak = (await portal.ApiJsonAsync("publisher-admin", $"/api/v1/keys?billingAccount={portal.AccountId}")).EnumerateArray()
            .Single(k => k.GetProperty("type").GetString() == "Mak" && k.GetProperty("product").GetString() == "contoso-server");
        var keyId = mak.GetProperty("id").GetString()!;
        var limit = mak.GetProperty("activationLimit").GetInt32();
        var plain = (await portal.ApiJsonAsync("billing-contributor", $"/api/v1/billing-accounts/{portal.AccountId}/product-keys")).EnumerateArray()
            .Single(k => k.GetProperty("id").GetString() == keyId).GetProperty("key").GetString()!;

        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "publisher-admin");
        await page.GetByRole(AriaRole.Link, new() { NameRegex = ManageLink() }).First.ClickAsync();
        await PortalFixture.ArrivedAtAsync(page, "/manage$");
        Assert.DoesNotContain(plain, await page.ContentAsync(), StringComparison.Ordinal);
        var row = page.Locator($"tr[data-key-id='{keyId}']");

        await row.GetByLabel(NewLimit()).FillAsync((limit + 5).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await row.GetByRole(AriaRole.Button, new() { NameRegex = RaiseLimit() }).ClickAsync();
        await PortalFixture.ArrivedAtAsync(page, "/manage$");
        Assert.Contains($"/ {limit + 5}", await page.Locator($"tr[data-key-id='{keyId}'] .usage").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(limit + 5, (await MetadataAsync(keyId)).GetProperty("activationLimit").GetInt32());

        await page.Locator($"tr[data-key-id='{keyId}']").GetByRole(AriaRole.Button, new() { NameRegex = Block() }).ClickAsync();
        await PortalFixture.ArrivedAtAsync(page, "/manage$");
        Assert.Equal("Blocked", await page.Locator($"tr[data-key-id='{keyId}'] .status").TextContentAsync());
        Assert.Equal("Blocked", (await MetadataAsync(keyId)).GetProperty("status").GetString());

        var store = Path.Combine(_stores, "device");
        var installed = await Pk.RunAsync("ipk", plain, "--product", "contoso-server", "--store", store, "--service", portal.Url, "--device-id", "portal-device");
        Assert.True(installed.ExitCode == 0, installed.ToString());
        var refused = await Pk.RunAsync("ato", "--store", store, "--trust-on-first-use", "--json");
        Assert.Equal("KEY_BLOCKED", refused.Json.GetProperty("error").GetProperty("code").GetString());

        await page.Locator($"tr[data-key-id='{keyId}']").GetByRole(AriaRole.Button, new() { NameRegex = Unblock() }).ClickAsync();
        await PortalFixture.ArrivedAtAsync(page, "/manage$");
        Assert.Equal("Active", await page.Locator($"tr[data-key-id='{keyId}'] .status").TextContentAsync());
        var activated = await Pk.RunAsync("ato", "--store", store, "--trust-on-first-use", "--json");
        Assert.True(activated.ExitCode == 0, activated.ToString());
        Assert.Equal("Licensed", activated.Json.GetProperty("state").GetString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_lower_limit_is_refused_in_words_and_changes_nothing()
    {
        var mak = (await portal.ApiJsonAsync("publisher-admin", $"/api/v1/keys?billingAccount={portal.AccountId}")).EnumerateArray()
            .First(k => k.GetProperty("type").GetString() == "Mak");
        var keyId = mak.GetProperty("id").GetString()!;
        var limit = mak.GetProperty("activationLimit").GetInt32();
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "publisher-admin");
        await page.GotoAsync($"/portal/accounts/{portal.AccountId}/manage");
        var row = page.Locator($"tr[data-key-id='{keyId}']");
        // The browser would stop a number below min; a hand-edited form reaches the server all the same.
        await row.GetByLabel(NewLimit()).EvaluateAsync("input => input.removeAttribute('min')");
        await row.GetByLabel(NewLimit()).FillAsync("1");
        await row.GetByRole(AriaRole.Button, new() { NameRegex = RaiseLimit() }).ClickAsync();
        Assert.Equal("VALIDATION_FAILED", await page.GetByRole(AriaRole.Alert).GetAttributeAsync("data-code"));
        Assert.Contains("can only be raised", await page.GetByRole(AriaRole.Alert).TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(limit, (await MetadataAsync(keyId)).GetProperty("activationLimit").GetInt32());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Customers_get_the_manage_page_with_the_reason_and_no_keys()
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "global-admin");
        var response = await page.GotoAsync($"/portal/accounts/{portal.AccountId}/manage");
        Assert.Equal(403, response!.Status);
        Assert.Equal("FORBIDDEN", await page.GetByRole(AriaRole.Alert).GetAttributeAsync("data-code"));
        Assert.Equal(0, await page.Locator("tr[data-key-id]").CountAsync());
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

    private Task<JsonElement> MetadataAsync(string keyId) => portal.ApiJsonAsync("publisher-admin", $"/api/v1/keys/{keyId}");

    [GeneratedRegex("^Manage keys")]
    private static partial Regex ManageLink();

    [GeneratedRegex("^New limit")]
    private static partial Regex NewLimit();

    [GeneratedRegex("^Raise limit")]
    private static partial Regex RaiseLimit();

    [GeneratedRegex("^Block")]
    private static partial Regex Block();

    [GeneratedRegex("^Unblock")]
    private static partial Regex Unblock();
}
