using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ProductKeys.Load.Portal;

/// <summary>
/// The portal's product keys page for a billing account holding 10,000 keys, next to the JSON API
/// for the same account, against one real <c>pk server --demo</c>: server time (sequential requests,
/// median and p90 after a warm-up) and bytes. The page shows 100 keys at a time; the API streams all
/// 10,000. <c>PK_PORTAL_BASELINE=PATH/pk.dll</c> measures another build (e.g. one that rendered every
/// key on one page) in the same run, on its own server and account.
/// </summary>
internal static partial class PortalPageDriver
{
    private const int Keys = 10_000;
    private const int OrderQuantity = 500_000; // split into packages of 500: 1,000 keys an order
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task RunAsync(int requests)
    {
        var pk = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "ProductKeys.Cli", "release", "pk.dll"));
        var builds = new List<(string Name, string Pk)> { ("this build", pk) };
        if (Environment.GetEnvironmentVariable("PK_PORTAL_BASELINE") is { Length: > 0 } baseline)
        {
            builds.Add(("baseline", Path.GetFullPath(baseline)));
        }

        Console.WriteLine($"| build | what | bytes | median ms | p90 ms | ratio to the API (median) |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var (name, build) in builds)
        {
            var data = Directory.CreateTempSubdirectory("pk-portal-load-").FullName;
            try
            {
                await MeasureAsync(name, build, data, requests);
            }
            finally
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static async Task MeasureAsync(string name, string pk, string data, int requests)
    {
        await using var server = await ServerProcess.StartAsync(pk, "server", "--demo", "--data", data, "--urls", "http://127.0.0.1:0");
        var tokens = await DemoTokensAsync(Path.Combine(data, "demo.json"));
        using var api = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(5) };
        var account = await AccountWithKeysAsync(api, tokens);
        using var browser = await SignedInBrowserAsync(server.Address, "billing-contributor");

        var apiPath = $"/api/v1/billing-accounts/{account}/product-keys";
        var measured = new List<(string What, Func<Task<long>> Request)>
        {
            ($"GET {apiPath.Replace(account, "{id}", StringComparison.Ordinal)} (all {Keys:N0} keys, JSON)", () => GetAsync(api, apiPath, tokens["billing-contributor"])),
            ("portal: product keys page, first page", () => GetAsync(browser, $"/portal/accounts/{account}/keys", token: null)),
            ("portal: product keys page, last page", () => GetAsync(browser, $"/portal/accounts/{account}/keys?page-number={Keys / 100}", token: null)),
        };

        double? apiMedian = null;
        foreach (var (what, request) in measured)
        {
            for (var i = 0; i < Math.Max(20, requests / 5); i++)
            {
                await request();
            }

            var times = new double[requests];
            long bytes = 0;
            for (var i = 0; i < requests; i++)
            {
                var time = Stopwatch.StartNew();
                bytes = await request();
                times[i] = time.Elapsed.TotalMilliseconds;
            }

            Array.Sort(times);
            var median = times[requests / 2];
            apiMedian ??= median;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {what} | {bytes:N0} | {median:F1} | {times[(int)(requests * 0.9)]:F1} | {median / apiMedian.Value:F2} |"));
        }
    }

    private static async Task<long> GetAsync(HttpClient http, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode}");
        }

        return body.Length;
    }

    /// <summary>A new account of the demo organization owned by billing-contributor, with 10,000 CAL packages (a MAK each).</summary>
    private static async Task<string> AccountWithKeysAsync(HttpClient api, Dictionary<string, string> tokens)
    {
        var accounts = await SendAsync(api, HttpMethod.Get, "/api/v1/billing-accounts", tokens["global-admin"], body: null);
        var organization = accounts.EnumerateArray().First().GetProperty("organizationId").GetString();
        var account = await SendAsync(api, HttpMethod.Post, $"/api/v1/organizations/{organization}/billing-accounts", tokens["publisher-admin"],
            new { name = "10,000 keys", owner = "billing-contributor" });
        var id = account.GetProperty("id").GetString()!;
        for (var i = 0; i < Keys / (OrderQuantity / 500); i++)
        {
            await SendAsync(api, HttpMethod.Post, $"/api/v1/billing-accounts/{id}/orders", tokens["billing-contributor"],
                new { product = "contoso-server-cal", quantity = OrderQuantity, split = true });
        }

        return id;
    }

    private static async Task<JsonElement> SendAsync(HttpClient api, HttpMethod method, string path, string token, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>An HTTP client holding a portal session: the sign-in form read and posted as a browser does.</summary>
    private static async Task<HttpClient> SignedInBrowserAsync(Uri address, string user)
    {
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromMinutes(5),
        };
        var page = await browser.GetStringAsync("/");
        var action = WebUtility.HtmlDecode(FormAction().Match(page).Groups[1].Value);
        var token = WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value);
        using var signIn = await browser.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user"] = user,
            ["password"] = "demo-password",
            ["__pk_antiforgery"] = token,
        }));
        if (signIn.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found))
        {
            throw new InvalidOperationException($"Sign-in as {user} answered {(int)signIn.StatusCode}.");
        }

        return browser;
    }

    private static async Task<Dictionary<string, string>> DemoTokensAsync(string path)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                var demo = JsonDocument.Parse(await File.ReadAllTextAsync(path)).RootElement;
                return demo.GetProperty("users").EnumerateArray().ToDictionary(u => u.GetProperty("name").GetString()!, u => u.GetProperty("token").GetString()!);
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"{path} did not appear.");
    }

    [GeneratedRegex("<form[^>]*\\baction=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input[^>]*name=\"__pk_antiforgery\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
