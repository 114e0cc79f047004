using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;

namespace ProductKeys.CalServer.Tests;

/// <summary>The real CAL server over HTTP on 127.0.0.1: races, bad input, and answers that hold offline.</summary>
public sealed class HttpTests : IAsyncDisposable
{
    private readonly CalWorld _world = new();
    private WebApplication? _app;
    private HttpClient? _client;

    [Fact]
    public async Task Two_hundred_devices_racing_for_the_last_10_permanent_CALs_get_exactly_10()
    {
        await _world.InstallAsync(CalMode.PerDevice, purchased: 20, installed: 20);
        for (var i = 0; i < 10; i++)
        {
            await _world.DeviceAsync($"early-{i}");
            Assert.Equal("Permanent", await _world.DeviceAsync($"early-{i}"));
        }

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal("Temporary", await _world.DeviceAsync($"racer-{i}"));
        }

        var client = await StartAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            client.PostAsJsonAsync("/api/v1/cals", new CalRequest("PerDevice", Device: $"racer-{i}"), TestContext.Current.CancellationToken)));
        var kinds = await Task.WhenAll(answers.Select(async a =>
        {
            Assert.Equal(HttpStatusCode.OK, a.StatusCode);
            return (await a.Content.ReadFromJsonAsync<CalResponse>(TestContext.Current.CancellationToken))!.Kind;
        }));

        Assert.Equal(10, kinds.Count(k => k == "Permanent"));
        Assert.Equal(190, kinds.Count(k => k == "Temporary"));
        Assert.Equal(20, (await _world.UsageAsync()).Permanent);
    }

    [Fact]
    public async Task A_device_CAL_over_HTTP_verifies_offline_and_a_user_CAL_names_its_pool()
    {
        await _world.InstallAsync(CalMode.PerDevice, purchased: 5);
        var client = await StartAsync();
        var device = (await (await client.PostAsJsonAsync("/api/v1/cals", new { mode = "PerDevice", device = "thin-client-7" }, TestContext.Current.CancellationToken))
            .Content.ReadFromJsonAsync<CalResponse>(TestContext.Current.CancellationToken))!;
        Assert.True(DeviceCal.Verify(device.Cal, device.PackCertificate, _world.Trust, _world.Time, "thin-client-7").IsSuccess);
        Assert.Equal(_world.ServerId, device.ServerId);

        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/cals", new { mode = "PerUser", user = "alice" }, TestContext.Current.CancellationToken), 409, "CAL_PACK_NOT_INSTALLED");
        Assert.Equal("ok", await client.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/healthz"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task A_user_name_of_1024_characters_an_Active_Directory_UPN_s_longest_is_served_and_a_device_ID_up_to_its_CAL_s_binding()
    {
        var ct = TestContext.Current.CancellationToken;
        await _world.InstallAsync(CalMode.PerUser, purchased: 5);
        var client = await StartAsync();
        var user = "u-" + new string('\u00e9', 1022); // each sent as \u00e9: 6 KiB of JSON
        using var body = new StringContent($$"""{"mode":"PerUser","user":"u-{{string.Concat(Enumerable.Repeat("\\u00e9", 1022))}}"}""",
            Encoding.UTF8, "application/json");
        var answer = await client.PostAsync("/api/v1/cals", body, ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(user, (await answer.Content.ReadFromJsonAsync<CalResponse>(ct))!.User);
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/cals", new { mode = "PerUser", user = user + "x" }, ct), 400, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task A_device_ID_of_1024_UTF_8_bytes_gets_a_CAL_that_verifies_and_a_longer_one_is_VALIDATION_FAILED_not_500()
    {
        var ct = TestContext.Current.CancellationToken;
        await _world.InstallAsync(CalMode.PerDevice, purchased: 5);
        var client = await StartAsync();
        var longest = new string('d', 1024);
        var answer = await client.PostAsJsonAsync("/api/v1/cals", new { mode = "PerDevice", device = longest }, ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var device = (await answer.Content.ReadFromJsonAsync<CalResponse>(ct))!;
        Assert.True(DeviceCal.Verify(device.Cal, device.PackCertificate, _world.Trust, _world.Time, longest).IsSuccess);

        // 200 characters, 400 UTF-8 bytes: within the binding. 600 characters, 1,200 bytes: past it.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/cals", new { mode = "PerDevice", device = new string('\u00e9', 200) }, ct)).StatusCode);
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/cals", new { mode = "PerDevice", device = new string('\u00e9', 600) }, ct), 400, "VALIDATION_FAILED");
    }

    [Theory]
    [InlineData("""{"mode":"PerUser"}""")]
    [InlineData("""{"mode":"PerDevice","user":"alice"}""")]
    [InlineData("""{"mode":"PerUser","user":"alice","device":"pc"}""")]
    [InlineData("""{"mode":"Both","user":"alice"}""")]
    [InlineData("""{"mode":"1","user":"alice"}""")]
    [InlineData("""{"mode":"PerUser","user":"   "}""")]
    [InlineData("""{"mode":"PerUser","user":"a\u0000b"}""")]
    [InlineData("""{"mode":"PerUser","user":"\u200b"}""")]
    [InlineData("""{"mode":"PerUser","user":"al\u202Eice"}""")]
    [InlineData("""{"mode":5,"user":"alice"}""")]
    [InlineData("""{"mode":"PerUser","user":"alice","user":"bob"}""")]
    [InlineData("""not json""")]
    [InlineData("""[]""")]
    public async Task Bad_requests_are_400_with_a_code_and_change_nothing(string body)
    {
        await _world.InstallAsync(CalMode.PerUser, purchased: 5);
        var client = await StartAsync();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var answer = await client.PostAsync("/api/v1/cals", content, TestContext.Current.CancellationToken);
        await AssertProblemAsync(answer, 400, "VALIDATION_FAILED");
        // Says what to send, also when the body could not be read at all (before: only "Bad Request").
        await AssertDetailSaysWhatToSendAsync(answer);
        var usage = await _world.UsageAsync();
        Assert.Equal((0, 0), (usage.IssuedUsers, usage.OverUsedUsers));
    }

    [Theory]
    [InlineData("application/json", 20_000, 413, "PAYLOAD_TOO_LARGE")]
    [InlineData("text/plain", 0, 415, "UNSUPPORTED_MEDIA_TYPE")]
    public async Task A_body_too_large_or_not_sent_as_JSON_is_refused_saying_what_to_send(string contentType, int padding, int status, string code)
    {
        await _world.InstallAsync(CalMode.PerUser, purchased: 5);
        var client = await StartAsync();
        using var content = new StringContent($$"""{"mode":"PerUser","user":"alice{{new string('a', padding)}}"}""", Encoding.UTF8, contentType);
        var answer = await client.PostAsync("/api/v1/cals", content, TestContext.Current.CancellationToken);
        await AssertProblemAsync(answer, status, code);
        await AssertDetailSaysWhatToSendAsync(answer);
        Assert.Equal(0, (await _world.UsageAsync()).IssuedUsers);
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("utf-7")]
    [InlineData("")]
    public async Task A_charset_the_server_cannot_decode_is_415_with_a_code_and_changes_nothing(string charset)
    {
        await _world.InstallAsync(CalMode.PerUser, purchased: 5);
        var client = await StartAsync();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"mode":"PerUser","user":"alice"}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");
        await AssertProblemAsync(await client.PostAsync("/api/v1/cals", content, TestContext.Current.CancellationToken), 415, "UNSUPPORTED_MEDIA_TYPE");
        Assert.Equal(0, (await _world.UsageAsync()).IssuedUsers);
    }

    [Fact]
    public async Task A_ledger_another_process_holds_locked_answers_503_DATABASE_UNREACHABLE_with_Retry_After_and_serves_once_free()
    {
        await _world.InstallAsync(CalMode.PerUser, purchased: 5);
        var client = await StartAsync();
        using (var other = new SqliteConnection($"Data Source={_world.Folder.DatabaseFile};Pooling=False"))
        {
            other.Open();
            using var begin = other.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
            var locked = await client.PostAsJsonAsync("/api/v1/cals", new { mode = "PerUser", user = "alice" }, TestContext.Current.CancellationToken);
            Assert.Equal("1", locked.Headers.RetryAfter?.ToString());
            await AssertProblemAsync(locked, 503, "DATABASE_UNREACHABLE");
        }

        var free = await client.PostAsJsonAsync("/api/v1/cals", new { mode = "PerUser", user = "alice" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _world.Dispose();
    }

    private async Task<HttpClient> StartAsync()
    {
        // The server opens the same folder (its own connection), as pk cal-server serve would.
        _app = CalServerApp.Build(_world.Folder.Path, ["http://127.0.0.1:0"], _world.Time).Value;
        await _app.StartAsync(TestContext.Current.CancellationToken);
        _client = new HttpClient { BaseAddress = new Uri(CalServerApp.Addresses(_app)[0]) };
        return _client;
    }

    private static async Task AssertDetailSaysWhatToSendAsync(HttpResponseMessage answer)
    {
        var text = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(JsonDocument.Parse(text).RootElement.TryGetProperty("detail", out var detail), text);
        Assert.Contains("""{"mode":"PerUser","user":NAME}""", detail.GetString(), StringComparison.Ordinal);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage answer, int status, string code)
    {
        var text = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True((int)answer.StatusCode == status, $"{(int)answer.StatusCode}: {text}");
        Assert.Equal(code, JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
    }
}
