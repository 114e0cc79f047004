using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Service.Hosting;
using ProductKeys.Service.Secrets;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Api;

/// <summary>Health, metrics, OpenAPI, secrets on disk, and the demo seed.</summary>
public sealed class HostTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task Health_metrics_and_the_OpenAPI_document_are_served()
    {
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(null, "/healthz")).StatusCode);
        await fixture.GetAsync(TestWorld.Owner, "/api/v1/billing-accounts");
        var metrics = await (await fixture.GetAsync(null, "/metrics")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("pk_http_requests_total{status=\"200\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("pk_http_request_duration_seconds_count ", metrics, StringComparison.Ordinal);
        var openApi = await Problems.OkJsonAsync(await fixture.GetAsync(null, "/openapi/v1.json"));
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/billing-accounts/{id}/product-keys", paths);
        Assert.Contains("/api/v1/billing-accounts/{id}/orders", paths);
    }

    [Theory]
    [InlineData("POST", "/healthz/ready", 405, "METHOD_NOT_ALLOWED")]
    [InlineData("DELETE", "/metrics", 405, "METHOD_NOT_ALLOWED")]
    [InlineData("GET", "/api/v1/activations", 405, "METHOD_NOT_ALLOWED")]
    [InlineData("GET", "/healthz/nothing-here", 404, "NOT_FOUND")]
    public async Task A_method_a_path_does_not_take_answers_METHOD_NOT_ALLOWED_with_Allow_and_an_unknown_path_NOT_FOUND(string method, string path, int status, string code)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await fixture.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, await Problems.CodeAsync(response));
        Assert.Equal(status == 405, response.Content.Headers.Allow.Count > 0);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    public async Task HEAD_on_a_health_path_answers_as_GET_does_without_a_body(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, path);
        using var response = await fixture.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        var openApi = await Problems.OkJsonAsync(await fixture.GetAsync(null, "/openapi/v1.json"));
        var methods = openApi.GetProperty("paths").GetProperty(path).EnumerateObject().Select(m => m.Name).ToList();
        Assert.Equal(["get"], methods);
    }

    [Fact]
    public void The_publisher_secret_is_generated_with_mode_0600()
    {
        var path = Path.Combine(fixture.DataDirectory, "secrets", KeySecrets.MasterFileName);
        Assert.Equal(32, new FileInfo(path).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task The_demo_seed_is_idempotent_and_demo_json_has_exactly_the_spec_fields()
    {
        var first = await LicensingServiceHost.SeedDemoAsync(fixture.App, "http://demo", fixture.DataDirectory, TestContext.Current.CancellationToken);
        var counts = await CountsAsync();
        var second = await LicensingServiceHost.SeedDemoAsync(fixture.App, "http://demo", fixture.DataDirectory, TestContext.Current.CancellationToken);
        Assert.Equal(counts, await CountsAsync());
        Assert.NotEqual(first.Users[0].Token, second.Users[0].Token);

        using var demo = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(fixture.DataDirectory, "demo.json"), TestContext.Current.CancellationToken));
        var root = demo.RootElement;
        Assert.Equal(["serviceUrl", "billingAccounts", "products", "users"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["id", "name"], root.GetProperty("billingAccounts")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["id", "name", "setupKey", "kmsClientSetupKey", "kmsThreshold", "calType"], root.GetProperty("products")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["name", "token", "directoryRole", "accountRoles"], root.GetProperty("users")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(6, root.GetProperty("users").GetArrayLength());
        Assert.Equal(4, root.GetProperty("products").GetArrayLength());
        Assert.Equal(["PerDevice", "PerUser"], root.GetProperty("products").EnumerateArray()
            .Select(p => p.GetProperty("calType")).Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_demo_json_left_readable_by_others_holds_the_new_tokens_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // An earlier demo.json, or one a careless admin copied or chmodded, in a data folder the operator made 0755.
        var path = Path.Combine(fixture.DataDirectory, "demo.json");
        await File.WriteAllTextAsync(path, "{}", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await LicensingServiceHost.SeedDemoAsync(fixture.App, "http://demo", fixture.DataDirectory, TestContext.Current.CancellationToken);

        Assert.Contains("\"token\"", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Sign_in_attempts_from_one_address_are_limited_whatever_the_user_names()
    {
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 45; i++)
        {
            answers.Add((await fixture.PostJsonAsync(null, "/api/v1/sessions", new { user = $"spray-{i}", password = "guess" })).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, answers);
        await Problems.AssertAsync(await fixture.PostJsonAsync(null, "/api/v1/sessions", new { user = "spray-last", password = "guess" }),
            HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }

    private Task<string> CountsAsync() => fixture.WithDbAsync(async db => string.Join(',',
        await db.Products.CountAsync(), await db.Users.CountAsync(), await db.Orders.CountAsync(), await db.Keys.CountAsync(), await db.AccountRoles.CountAsync()));
}
