using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace ProductKeys.KmsHost.Tests;

/// <summary>The host over real HTTP (Kestrel on loopback): bad input of any kind gets a problem with a code, never a 500.</summary>
public sealed class HttpInputTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"pk-kms-http-{Guid.NewGuid():N}");
    private readonly HttpClient _http = new();
    private WebApplication _app = null!;

    public static TheoryData<string, string, int, string> BadBodies => new()
    {
        { "application/json", "{not json", 400, "VALIDATION_FAILED" },
        { "application/json", "", 400, "VALIDATION_FAILED" },
        { "application/json", "null", 400, "VALIDATION_FAILED" },
        { "application/json", "[1,2,3]", 400, "VALIDATION_FAILED" },
        { "application/json", "{\"cmid\":5}", 400, "VALIDATION_FAILED" },
        { "application/json", "{\"clientTime\":\"yesterday\"}", 400, "VALIDATION_FAILED" },
        { "application/json", new string('[', 5000) + new string(']', 5000), 400, "VALIDATION_FAILED" },
        { "application/json", "{\"cmid\":\"" + new string('a', 20000) + "\"}", 413, "PAYLOAD_TOO_LARGE" },
        { "text/plain", "{}", 415, "UNSUPPORTED_MEDIA_TYPE" },
        { "application/json", "{}", 400, "VALIDATION_FAILED" },
    };

    public async ValueTask InitializeAsync()
    {
        _app = KmsHostApp.Build(new KmsHostOptions { DataDirectory = _data }, ["http://127.0.0.1:0"], new FakeTimeProvider(HostFixture.Start)).Value;
        await _app.StartAsync(TestContext.Current.CancellationToken);
        _http.BaseAddress = new Uri(KmsHostApp.Addresses(_app)[0]);
    }

    [Fact]
    public async Task Healthz_answers()
    {
        Assert.Equal("ok", await _http.GetStringAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken));
        using var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri("/healthz", UriKind.Relative)), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_bodies_are_refused_with_a_code(string contentType, string body, int status, string code)
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await _http.PostAsync(new Uri("/kms/v1/activate", UriKind.Relative), content, TestContext.Current.CancellationToken);
        Assert.Equal(status, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_member_given_twice_is_VALIDATION_FAILED_not_last_wins()
    {
        var hardware = Core.Devices.HardwareId.FromDeviceId("dup-device", "test-product").Value.ToString();
        var body = $$"""{"cmid":"first","cmid":"second","product":"test-product","clientState":"InitialGrace","hardwareId":"{{hardware}}","clientTime":"2026-01-01T00:00:00Z"}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri("/kms/v1/activate", UriKind.Relative), content, TestContext.Current.CancellationToken);
        Assert.Equal(400, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("VALIDATION_FAILED", problem.RootElement.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("utf-7")]
    [InlineData("")]
    public async Task A_charset_the_host_cannot_decode_is_UNSUPPORTED_MEDIA_TYPE(string charset)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}"));
        content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");
        using var response = await _http.PostAsync(new Uri("/kms/v1/activate", UriKind.Relative), content, TestContext.Current.CancellationToken);
        Assert.Equal(415, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", problem.RootElement.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("GET", "/kms/v1/activate", 405, "METHOD_NOT_ALLOWED")]
    [InlineData("GET", "/no/such/path", 404, "NOT_FOUND")]
    [InlineData("DELETE", "/healthz", 405, "METHOD_NOT_ALLOWED")]
    public async Task Paths_and_methods_the_host_does_not_serve_answer_with_their_code(string method, string path, int status, string code)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(status, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(status == 405, response.Content.Headers.Allow.Count > 0);
    }

    [Fact]
    public async Task A_valid_request_to_a_host_never_activated_is_refused_with_kms_host_not_activated()
    {
        var request = new Core.Contracts.KmsActivationRequest("cmid-1", "contoso-desktop", "InitialGrace", HostFixture.HardwareFor(1), HostFixture.Start);
        using var response = await _http.PostAsJsonAsync(new Uri("/kms/v1/activate", UriKind.Relative), request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("KMS_HOST_NOT_ACTIVATED", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}
