using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ProductKeys.Cli.Tests.EndToEnd;

namespace ProductKeys.Portal.Tests;

/// <summary>
/// One real <c>pk server --demo</c> and one headless Debian Chromium, shared by every portal test.
/// The browser is the machine's (PLAYWRIGHT_CHROMIUM_EXECUTABLE, else /usr/bin/chromium): never downloaded.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string Password = "demo-password";

    private readonly DemoServerFixture _server = new();
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public string Url => _server.Url;

    public string AccountId => _server.AccountId;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser did not start.");

    public HttpClient Api { get; } = new();

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("PLAYWRIGHT_CHROMIUM_EXECUTABLE") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is missing at {ChromiumPath}: 'apt-get install chromium' (test.sh does) or set PLAYWRIGHT_CHROMIUM_EXECUTABLE.");
        }

        await _server.InitializeAsync();
        Api.BaseAddress = new Uri(Url);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Tests run as root in CI, where Chromium's sandbox cannot start.
            Args = ["--no-sandbox"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Api.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>A fresh browser context (no cookies) and a page of the given width.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Url,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the form, as a person would, and lands on the billing accounts.</summary>
    public static async Task SignInAsync(IPage page, string user, string password = Password)
    {
        await page.GotoAsync("/");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        try
        {
            // Generous: CI runs the browser tests beside the process-heavy end-to-end tests on 2 cores.
            await ArrivedAtAsync(page, "/portal/accounts$", timeout: 60_000);
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            // Say where the sign-in ended up instead of only that it did not arrive.
            var body = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
            throw new TimeoutException($"Signing in as {user} did not reach the accounts page: the browser is at {page.Url}, showing: {body[..Math.Min(body.Length, 500)]}", e);
        }
    }

    /// <summary>
    /// Waits until the page's URL matches <paramref name="urlPattern"/> (a regular expression) and the page has
    /// loaded. Not <c>WaitForURLAsync</c>: when the URL already matches, it looks at the load states it has seen
    /// and then subscribes to the next one, so a <c>load</c> that arrives in between is missed and the test
    /// times out on the right page (microsoft/playwright-dotnet#3364; seen here in CI). Both waits below poll
    /// the browser instead of waiting for an event.
    /// </summary>
    public static async Task ArrivedAtAsync(IPage page, string urlPattern, float timeout = 30_000)
    {
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(urlPattern), new() { Timeout = timeout });
        await page.WaitForFunctionAsync("() => document.readyState === 'complete'", null, new() { Timeout = timeout });
    }

    public string KeysPath => $"/portal/accounts/{AccountId}/keys";

    public string Token(string user) => _server.Token(user);

    /// <summary>GET on the REST API with the user's demo bearer token.</summary>
    public async Task<HttpResponseMessage> ApiGetAsync(string user, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(user));
        return await Api.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>POST of a JSON body on the REST API with the user's demo bearer token; the answer's JSON (a success is asserted).</summary>
    public async Task<JsonElement> ApiPostAsync(string user, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(user));
        using var response = await Api.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> ApiJsonAsync(string user, string path)
    {
        using var response = await ApiGetAsync(user, path);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
    }

    /// <summary>How many audit entries of <paramref name="action"/> name the demo account (read by publisher staff).</summary>
    public async Task<int> AuditCountAsync(string action, string actor)
    {
        var entries = await ApiJsonAsync("publisher-admin", "/api/v1/audit?limit=10000");
        return entries.EnumerateArray().Count(e =>
            e.GetProperty("action").GetString() == action
            && e.GetProperty("actor").GetString() == actor
            && e.GetProperty("subject").GetString() == $"billing-account:{AccountId}");
    }
}

[CollectionDefinition(Name)]
public sealed class PortalGroup : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}
