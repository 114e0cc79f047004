using Microsoft.Playwright;

namespace ProductKeys.Portal.Tests;

/// <summary>
/// Pictures of the main pages at 1280 and 375 px. They go to PK_PORTAL_SCREENSHOTS when it is set
/// (scripts/portal-screenshots.sh sets it to docs/portal), else to a temporary folder.
/// </summary>
[Collection(PortalGroup.Name)]
public sealed class ScreenshotTests(PortalFixture portal)
{
    [Fact]
    public async Task The_main_pages_are_photographed_at_1280_and_375_px()
    {
        var folder = Environment.GetEnvironmentVariable("PK_PORTAL_SCREENSHOTS") is { Length: > 0 } set
            ? set
            : Directory.CreateTempSubdirectory("pk-portal-shots-").FullName;
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        var mak = (await portal.ApiJsonAsync("billing-contributor", $"/api/v1/billing-accounts/{portal.AccountId}/product-keys")).EnumerateArray()
            .First(k => k.GetProperty("type").GetString() == "Mak").GetProperty("id").GetString();
        foreach (var width in new[] { 1280, 375 })
        {
            var stranger = await portal.NewPageAsync(width, 800);
            await stranger.GotoAsync("/");
            written.Add(await ShootAsync(stranger, folder, $"sign-in-{width}.png"));
            await stranger.Context.CloseAsync();

            var admin = await portal.NewPageAsync(width, 800);
            await PortalFixture.SignInAsync(admin, "billing-contributor");
            await admin.GotoAsync(portal.KeysPath);
            await admin.Locator("tr[data-key-id] summary").First.ClickAsync();
            written.Add(await ShootAsync(admin, folder, $"product-keys-{width}.png"));
            await admin.Context.CloseAsync();

            var buyer = await portal.NewPageAsync(width, 800);
            await PortalFixture.SignInAsync(buyer, "billing-contributor");
            await buyer.GotoAsync($"/portal/accounts/{portal.AccountId}/orders");
            written.Add(await ShootAsync(buyer, folder, $"orders-{width}.png"));
            await buyer.GotoAsync($"/portal/accounts/{portal.AccountId}/keys/{mak}");
            written.Add(await ShootAsync(buyer, folder, $"key-activity-{width}.png"));
            await buyer.Context.CloseAsync();

            var staff = await portal.NewPageAsync(width, 800);
            await PortalFixture.SignInAsync(staff, "publisher-admin");
            await staff.GotoAsync("/portal/catalog");
            written.Add(await ShootAsync(staff, folder, $"catalog-{width}.png"));
            await staff.GotoAsync("/portal/audit");
            written.Add(await ShootAsync(staff, folder, $"audit-{width}.png"));
            await staff.Context.CloseAsync();

            var reader = await portal.NewPageAsync(width, 800);
            await PortalFixture.SignInAsync(reader, "billing-reader");
            await reader.GotoAsync(portal.KeysPath);
            written.Add(await ShootAsync(reader, folder, $"product-keys-refused-{width}.png"));
            await reader.Context.CloseAsync();
        }

        foreach (var path in written)
        {
            var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
            Assert.True(bytes.Length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', $"{path} is not a PNG.");
        }
    }

    private static async Task<string> ShootAsync(IPage page, string folder, string name)
    {
        var path = Path.Combine(folder, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false });
        return path;
    }
}
