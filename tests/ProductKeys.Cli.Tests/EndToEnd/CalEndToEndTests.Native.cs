using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The same story through the Native AOT <c>pk-cal-server</c>: what an operator who publishes it gets — the same
/// answers (signed device CALs, problem details) without reflection, and, in its default <c>--sync auto</c> (per-user
/// CALs reach the operating system, not the disk), nothing answered lost to a kill -9.
/// </summary>
public sealed partial class CalEndToEndTests
{
    [Fact]
    public async Task The_native_CAL_server_serves_users_past_the_pack_keeps_them_through_a_kill_and_signs_device_CALs()
    {
        // The user CAL order of 1,200 was split into three packs: the last one's MAK is this server's.
        var data = Path.Combine(_folder, "native-users");
        var installed = await Pk.RunAsync("cal-server", "install-pack", "--data", data, "--key", await MakAsync("contoso-server-cal", last: true), "--service", server.Url, "--json");
        Assert.True(installed.ExitCode == 0, installed.ToString());
        var port = DemoServerFixture.FreePort();
        var url = $"http://127.0.0.1:{port}";
        _calServer = Process.Start(NativeCalServer.StartInfo("--data", data, "--urls", url))!;
        await WaitForLineAsync(_calServer, "sync auto"); // the default: nothing of a per-user server is flushed

        // 520 users on a pack of 500, 8 at a time: 500 installed, 20 over-used, none refused.
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var pools = await AskUsersAsync(http, 520);
        Assert.Equal((500, 20), (pools.Count(p => p == "Installed"), pools.Count(p => p == "OverUsed")));
        using (var device = await http.PostAsJsonAsync("/api/v1/cals", new { mode = "PerDevice", device = "pc-1" }, TestContext.Current.CancellationToken))
        {
            // A problem details answer, serialized without reflection.
            Assert.Equal(ErrorCatalogue.CalPackNotInstalled.HttpStatus, (int)device.StatusCode);
            Assert.Equal("CAL_PACK_NOT_INSTALLED", JsonDocument.Parse(await device.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("code").GetString());
        }

        _calServer.Kill(); // SIGKILL: every user answered above was committed to the operating system first
        await _calServer.WaitForExitAsync(TestContext.Current.CancellationToken);
        _calServer.Dispose();
        var report = await Pk.RunAsync("cal-server", "report", "--data", data, "--json");
        Assert.True(report.ExitCode == 0, report.ToString());
        var mode = report.Json.GetProperty("modes")[0];
        Assert.Equal((500, 20), (mode.GetProperty("issued").GetInt32(), mode.GetProperty("overUsed").GetInt32()));

        // A per-device server (a new order's MAK): its signed CAL verifies in pk's client library (publisher → pack → CAL).
        var devices = Path.Combine(_folder, "native-devices");
        installed = await Pk.RunAsync("cal-server", "install-pack", "--data", devices, "--key", await OrderMakAsync("contoso-server-device-cal", 20), "--service", server.Url, "--json");
        Assert.True(installed.ExitCode == 0, installed.ToString());
        _calServer = Process.Start(NativeCalServer.StartInfo("--data", devices, "--urls", url))!;
        await WaitForLineAsync(_calServer, "sync auto");
        var first = await Pk.RunAsync("cal", "request", "--cal-server", url, "--device", "pc-1", "--json");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("Temporary", first.Json.GetProperty("kind").GetString());
        var second = await Pk.RunAsync("cal", "request", "--cal-server", url, "--device", "pc-1", "--json");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("Permanent", second.Json.GetProperty("kind").GetString());
        var publisher = Core.Signing.SigningKeyFile.LoadPublicKeys(Path.Combine(devices, "publisher-keys.pem")).Value; // pinned at installation
        var cal = Core.Certificates.DeviceCal.Verify(second.Json.GetProperty("cal").GetString(), second.Json.GetProperty("packCertificate").GetString(), publisher, TimeProvider.System, "pc-1");
        Assert.True(cal.IsSuccess, cal.Refusal?.ToString());
        Assert.Equal(ErrorCatalogue.SignatureInvalid, Core.Certificates.DeviceCal.Verify(second.Json.GetProperty("cal").GetString(), second.Json.GetProperty("packCertificate").GetString(), publisher, TimeProvider.System, "pc-2").Refusal?.Error);
    }

    private static async Task<List<string>> AskUsersAsync(HttpClient http, int users)
    {
        using var gate = new SemaphoreSlim(8);
        return [.. await Task.WhenAll(Enumerable.Range(0, users).Select(async i =>
        {
            await gate.WaitAsync(TestContext.Current.CancellationToken);
            try
            {
                using var answer = await http.PostAsJsonAsync("/api/v1/cals", new { mode = "PerUser", user = $"native-user-{i}" }, TestContext.Current.CancellationToken);
                var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
                Assert.True(answer.IsSuccessStatusCode, body.ToString());
                Assert.Equal($"native-user-{i}", body.GetProperty("user").GetString());
                return body.GetProperty("pool").GetString()!;
            }
            finally
            {
                gate.Release();
            }
        }))];
    }

    /// <summary>A new order of the product for the demo account: its MAK, whose two servers nobody has used yet.</summary>
    private async Task<string> OrderMakAsync(string product, int quantity)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token("global-admin"));
        using var ordered = await http.PostAsJsonAsync($"/api/v1/billing-accounts/{server.AccountId}/orders", new { product, quantity }, TestContext.Current.CancellationToken);
        var purchase = JsonDocument.Parse(await ordered.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.True(ordered.IsSuccessStatusCode, purchase.ToString());
        var keyId = purchase.GetProperty("orders")[0].GetProperty("keyPackages")[0].GetProperty("keys").EnumerateArray()
            .Single(k => k.GetProperty("type").GetString() == "Mak").GetProperty("id").GetString();
        var listed = await Pk.RunAsync("keys", "list", "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return listed.Json.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("id").GetString() == keyId).GetProperty("key").GetString()!;
    }
}
