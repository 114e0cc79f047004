using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace ProductKeys.Portal.Tests;

/// <summary>
/// The quality bar of an admin center on every page: axe-core finds no serious or critical violation,
/// every control is reachable by keyboard, 375 px wide needs no horizontal scrolling, and the headers
/// keep keys out of caches and inline script out of the page.
/// </summary>
[Collection(PortalGroup.Name)]
public sealed class QualityTests(PortalFixture portal)
{
    /// <summary>Every page the portal has, as (name, user or null for a stranger, path).</summary>
    public static TheoryData<string, string?, string> Pages => new()
    {
        { "sign-in", null, "/" },
        { "not-found", null, "/portal/no-such-page" },
        { "accounts", "billing-contributor", "/portal/accounts" },
        { "keys", "billing-contributor", "keys" },
        { "keys-refused", "billing-reader", "keys" },
        { "keys-publisher", "publisher-admin", "keys" },
        { "accounts-none", "billing-no-role", "/portal/accounts" },
        { "manage", "publisher-admin", "manage" },
        { "orders", "billing-contributor", "orders" },
        { "orders-refused", "billing-reader", "orders" },
        { "catalog", "publisher-admin", "/portal/catalog" },
        { "catalog-refused", "billing-contributor", "/portal/catalog" },
        { "audit", "publisher-admin", "/portal/audit" },
        { "key-detail", "billing-contributor", "key-detail" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Axe_finds_no_serious_or_critical_violation(string name, string? user, string path)
    {
        var page = await OpenAsync(user, path, 1280);
        if (name == "keys")
        {
            await page.Locator("summary").First.ClickAsync(); // with a key shown, too
        }

        var results = await page.RunAxe();
        var bad = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")
            .ToList();
        Assert.True(bad.Count == 0, $"{name}: {string.Join("\n", bad)}");
        await page.Context.CloseAsync();
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task At_375_px_wide_nothing_scrolls_sideways(string name, string? user, string path)
    {
        var page = await OpenAsync(user, path, 375);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{name} is {overflow} px wider than a 375 px screen.");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("accounts", "global-admin", "/portal/accounts")]
    [InlineData("keys", "global-admin", "keys")]
    [InlineData("manage", "publisher-admin", "manage")]
    [InlineData("orders", "billing-contributor", "orders")]
    [InlineData("audit", "publisher-admin", "/portal/audit")]
    [InlineData("key-detail", "billing-reader", "key-detail")]
    public async Task Every_control_is_reachable_with_the_Tab_key(string name, string user, string path)
    {
        var page = await OpenAsync(user, path, 1280);
        var count = await page.EvaluateAsync<int>("""
            () => {
              const controls = [...document.querySelectorAll("a[href], button, summary, select, input:not([type=hidden])")]
                .filter(e => !e.hidden && e.getClientRects().length > 0);
              controls.forEach((e, i) => e.dataset.kbd = i);
              return controls.length;
            }
            """);
        var reached = new HashSet<string>();
        for (var i = 0; i < count * 2 + 5 && reached.Count < count; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string?>("() => document.activeElement?.dataset.kbd ?? null") is { } index)
            {
                reached.Add(index);
            }
        }

        Assert.True(count > 3, $"{name} should have controls.");
        Assert.Equal(count, reached.Count);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Sign_in_and_showing_a_key_work_with_the_keyboard_alone()
    {
        var page = await portal.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("User name").FocusAsync();
        await page.Keyboard.TypeAsync("billing-contributor");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(PortalFixture.Password);
        await page.Keyboard.PressAsync("Enter");
        await PortalFixture.ArrivedAtAsync(page, "/portal/accounts$");

        await page.Locator($"a[href='{portal.KeysPath}']").FocusAsync(); // the demo account (a test may add others)
        await page.Keyboard.PressAsync("Enter");
        await PortalFixture.ArrivedAtAsync(page, "/keys$");
        var summary = page.Locator("summary").First;
        await summary.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.True(await page.Locator("code.plain").First.IsVisibleAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Key_pages_are_never_cached_and_allow_no_inline_script()
    {
        var page = await portal.NewPageAsync();
        await PortalFixture.SignInAsync(page, "global-admin");
        var response = await page.GotoAsync(portal.KeysPath);
        var headers = await response!.AllHeadersAsync();
        Assert.Equal("no-store", headers["cache-control"]);
        var csp = headers["content-security-policy"];
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("script:not([src])").CountAsync());
        Assert.Equal("DENY", headers["x-frame-options"]);
        await page.Context.CloseAsync();
    }

    private async Task<IPage> OpenAsync(string? user, string path, int width)
    {
        var page = await portal.NewPageAsync(width);
        if (user is not null)
        {
            await PortalFixture.SignInAsync(page, user);
        }

        if (path == "key-detail")
        {
            var mak = (await portal.ApiJsonAsync("publisher-admin", $"/api/v1/keys?billingAccount={portal.AccountId}")).EnumerateArray()
                .First(k => k.GetProperty("type").GetString() == "Mak");
            path = $"/portal/accounts/{portal.AccountId}/keys/{mak.GetProperty("id").GetString()}";
        }

        await page.GotoAsync(path switch
        {
            "keys" => portal.KeysPath,
            "manage" => $"/portal/accounts/{portal.AccountId}/manage",
            "orders" => $"/portal/accounts/{portal.AccountId}/orders",
            _ => path,
        });
        return page;
    }
}
