using Microsoft.Playwright;
using ProductKeys.Cli.Tests.EndToEnd;

namespace ProductKeys.Portal.Tests;

/// <summary>A key's activity page shows a real device's activation, the remaining count, and a KMS host key's hosts.</summary>
[Collection(PortalGroup.Name)]
public sealed class KeyDetailTests(PortalFixture portal) : IDisposable
{
    private readonly string _stores = Directory.CreateTempSubdirectory("pk-portal-detail-").FullName;

    [Fact]
    public async Task A_device_activation_by_pk_ato_appears_on_the_MAK_page_with_the_remaining_count()
    {
        var mak = (await portal.ApiJsonAsync("billing-contributor", $"/api/v1/billing-accounts/{portal.AccountId}/product-keys")).EnumerateArray()
            .Last(k => k.GetProperty("product").GetString() == "contoso-desktop" && k.GetProperty("type").GetString() == "Mak");
        var keyId = mak.GetProperty("id").GetString()!;
        var path = $"/portal/accounts/{portal.AccountId}/keys/{keyId}";
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "global-admin");
        await page.GotoAsync(path);
        var before = await page.Locator("tr[data-activation-id]").CountAsync();

        var store = Path.Combine(_stores, "device");
        var installed = await Pk.RunAsync("ipk", mak.GetProperty("key").GetString()!, "--product", "contoso-desktop", "--store", store, "--service", portal.Url, "--device-id", "detail-device");
        Assert.True(installed.ExitCode == 0, installed.ToString());
        var activated = await Pk.RunAsync("ato", "--store", store, "--trust-on-first-use", "--json");
        Assert.True(activated.ExitCode == 0, activated.ToString());
        var again = await Pk.RunAsync("ato", "--store", store, "--trust-on-first-use", "--json");
        Assert.True(again.ExitCode == 0, again.ToString());

        await page.GotoAsync(path);
        Assert.Equal(before + 1, await page.Locator("tr[data-activation-id]").CountAsync());
        Assert.Contains(await page.Locator("td.count-cell").AllTextContentsAsync(), t => t.StartsWith('2'));
        Assert.True((await page.Locator("code.hardware").First.TextContentAsync())!.Length > 4);
        var metadata = await portal.ApiJsonAsync("publisher-admin", $"/api/v1/keys/{keyId}");
        var limit = metadata.GetProperty("activationLimit").GetInt32();
        var used = metadata.GetProperty("activationsUsed").GetInt32();
        Assert.Equal($"{used} of {limit} activations used, {limit - used} remaining.", (await page.GetByTestId("remaining").TextContentAsync())!.Trim());
        Assert.DoesNotContain(mak.GetProperty("key").GetString()!, await page.ContentAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_KMS_host_key_page_counts_hosts_of_its_limit_and_other_accounts_keys_are_not_found()
    {
        var kms = (await portal.ApiJsonAsync("publisher-admin", $"/api/v1/keys?billingAccount={portal.AccountId}")).EnumerateArray()
            .First(k => k.GetProperty("type").GetString() == "KmsHost");
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "billing-reader");
        await page.GotoAsync($"/portal/accounts/{portal.AccountId}/keys/{kms.GetProperty("id").GetString()}");
        var limit = kms.GetProperty("activationLimit").GetInt32();
        Assert.Matches($"^\\d+ of {limit} hosts activated, \\d+ remaining\\.$", (await page.GetByTestId("remaining").TextContentAsync())!.Trim());
        Assert.Equal(1, await page.GetByRole(AriaRole.Heading, new() { Name = "KMS hosts" }).CountAsync());

        var response = await page.GotoAsync($"/portal/accounts/{portal.AccountId}/keys/{Guid.NewGuid()}");
        Assert.Equal(404, response!.Status);
        Assert.Equal("NOT_FOUND", await page.GetByRole(AriaRole.Alert).GetAttributeAsync("data-code"));
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
