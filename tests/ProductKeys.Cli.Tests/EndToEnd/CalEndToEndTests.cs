using System.Diagnostics;
using System.Net.Http.Json;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The CAL story through the real binaries (docs/product.md §5): pk server --demo → pk cal-server install-pack
/// with the demo's user CAL MAK → pk cal-server serve → pk cal request → pk cal-server report → report --signed →
/// pk usage upload → pk usage list (replayed and edited reports refused); the
/// device CAL MAK is refused on the same server (one mode per server) and on a device; a pack installed offline
/// (--offline-request → pk offline activate → --offline-response); 200 devices racing for the last 10 permanent
/// CALs of a real pk cal-server serve process.
/// </summary>
public sealed partial class CalEndToEndTests(DemoServerFixture server) : IClassFixture<DemoServerFixture>, IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-cal-e2e-").FullName;
    private Process? _calServer;

    [Fact]
    public async Task A_pack_installed_from_the_demo_serves_users_and_shows_in_the_report()
    {
        var data = Path.Combine(_folder, "cal-server");
        var userMak = await MakAsync("contoso-server-cal");
        var installed = await Pk.RunAsync("cal-server", "install-pack", "--data", data, "--key", userMak, "--service", server.Url, "--json");
        Assert.True(installed.ExitCode == 0, installed.ToString());
        Assert.Equal(500, installed.Json.GetProperty("installedQuantity").GetInt32());
        Assert.Equal("PerUser", installed.Json.GetProperty("mode").GetString());

        var deviceMak = await MakAsync("contoso-server-device-cal");
        var mismatch = await Pk.RunAsync("cal-server", "install-pack", "--data", data, "--key", deviceMak, "--service", server.Url, "--json");
        Assert.Equal(ErrorCatalogue.CalModeMismatch.ExitCode, mismatch.ExitCode);

        var port = DemoServerFixture.FreePort();
        _calServer = Process.Start(Pk.StartInfo(null, "cal-server", "serve", "--data", data, "--urls", $"http://127.0.0.1:{port}"))!;
        await WaitForLineAsync(_calServer, "listening");

        var alice = await Pk.RunAsync("cal", "request", "--cal-server", $"http://127.0.0.1:{port}", "--user", "alice", "--json");
        Assert.True(alice.ExitCode == 0, alice.ToString());
        Assert.Equal("Installed", alice.Json.GetProperty("pool").GetString());
        var device = await Pk.RunAsync("cal", "request", "--cal-server", $"http://127.0.0.1:{port}", "--device", "pc-1", "--json");
        Assert.Equal(ErrorCatalogue.CalPackNotInstalled.ExitCode, device.ExitCode);

        var report = await Pk.RunAsync("cal-server", "report", "--data", data, "--json");
        Assert.True(report.ExitCode == 0, report.ToString());
        var mode = report.Json.GetProperty("modes")[0];
        Assert.Equal((500, 500, 1), (mode.GetProperty("purchased").GetInt32(), mode.GetProperty("installed").GetInt32(), mode.GetProperty("issued").GetInt32()));

        // The signed usage report goes to the licensing service, which shows it to the account's key viewers.
        var file = Path.Combine(_folder, "usage.pka");
        var signed = await Pk.RunAsync("cal-server", "report", "--data", data, "--signed", "--out", file, "--json");
        Assert.True(signed.ExitCode == 0, signed.ToString());
        var token = server.Token("billing-contributor");
        var uploaded = await Pk.RunAsync("usage", "upload", file, "--service", server.Url, "--token", token, "--json");
        Assert.True(uploaded.ExitCode == 0, uploaded.ToString());
        var account = uploaded.Json.GetProperty("billingAccountId").GetString()!;
        var listed = await Pk.RunAsync("usage", "list", "--account", account, "--service", server.Url, "--token", token, "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        var shown = Assert.Single(listed.Json.EnumerateArray(), r => r.GetProperty("serverId").GetString() == installed.Json.GetProperty("serverId").GetString());
        var line = shown.GetProperty("lines")[0];
        Assert.Equal(("contoso-server-cal", "PerUser", 500, 500, 1),
            (line.GetProperty("product").GetString(), line.GetProperty("mode").GetString(), line.GetProperty("purchased").GetInt32(), line.GetProperty("installed").GetInt32(), line.GetProperty("used").GetInt32()));

        // The same file again is a replay; an edited copy does not verify; nothing of either is stored.
        var replay = await Pk.RunAsync("usage", "upload", file, "--service", server.Url, "--token", token, "--json");
        Assert.Equal(ErrorCatalogue.Conflict.ExitCode, replay.ExitCode);
        var text = (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Trim();
        var edited = Path.Combine(_folder, "edited.pka");
        await File.WriteAllTextAsync(edited, text[..^10] + (text[^10] == 'A' ? 'B' : 'A') + text[^9..], TestContext.Current.CancellationToken);
        var tampered = await Pk.RunAsync("usage", "upload", edited, "--service", server.Url, "--token", token, "--json");
        Assert.Equal(ErrorCatalogue.SignatureInvalid.ExitCode, tampered.ExitCode);
        Assert.Contains("SIGNATURE_INVALID", tampered.ToString(), StringComparison.Ordinal);
        var huge = Path.Combine(_folder, "huge.pka");
        await File.WriteAllTextAsync(huge, text + new string('A', 5 * 1024 * 1024), TestContext.Current.CancellationToken);
        var tooLarge = await Pk.RunAsync("usage", "upload", huge, "--service", server.Url, "--token", token, "--json");
        Assert.Equal(ErrorCatalogue.PayloadTooLarge.ExitCode, tooLarge.ExitCode);
        var after = await Pk.RunAsync("usage", "list", "--account", account, "--service", server.Url, "--token", token, "--json");
        Assert.Equal(shown.GetProperty("reportId").GetString(), Assert.Single(after.Json.EnumerateArray(), r => r.GetProperty("serverId").GetString() == shown.GetProperty("serverId").GetString()).GetProperty("reportId").GetString());
    }

    [Fact]
    public async Task A_pack_installs_offline_through_pk_offline_activate_and_shows_in_the_report()
    {
        var data = Path.Combine(_folder, "offline-cal-server");
        var request = Path.Combine(_folder, "pack-request.json");
        var responses = Path.Combine(_folder, "pack-responses");
        var written = await Pk.RunAsync("cal-server", "install-pack", "--data", data, "--key", await MakAsync("contoso-server-cal"), "--offline-request", request, "--json");
        Assert.True(written.ExitCode == 0, written.ToString());
        if (!OperatingSystem.IsWindows())
        {
            // The request holds the MAK: owner-only.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(request));
        }

        using (var file = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(request, TestContext.Current.CancellationToken)))
        {
            Assert.Equal("pk-cal-pack-request-v1", file.RootElement.GetProperty("format").GetString());
            Assert.Equal(written.Json.GetProperty("serverId").GetString(), file.RootElement.GetProperty("serverId").GetString());
        }

        var answered = await Pk.RunAsync("offline", "activate", request, "--out", responses,
            "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(answered.ExitCode == 0, answered.ToString());
        Assert.Equal(1, answered.Json.GetProperty("activated").GetInt32());
        var response = Path.Combine(responses, "pack-request.response.json");
        var trust = Path.Combine(responses, "publisher-keys.pem");

        // Without --trust (nothing pinned on an air-gapped server) the certificate cannot be checked.
        var untrusted = await Pk.RunAsync("cal-server", "install-pack", "--data", data, "--offline-response", response, "--json");
        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, untrusted.ExitCode);

        var installed = await Pk.RunAsync("cal-server", "install-pack", "--data", data, "--offline-response", response, "--trust", trust, "--json");
        Assert.True(installed.ExitCode == 0, installed.ToString());
        Assert.Equal(("PerUser", 500), (installed.Json.GetProperty("mode").GetString(), installed.Json.GetProperty("installedQuantity").GetInt32()));
        var report = await Pk.RunAsync("cal-server", "report", "--data", data, "--json");
        Assert.True(report.ExitCode == 0, report.ToString());
        var mode = report.Json.GetProperty("modes")[0];
        Assert.Equal((500, 500, 0), (mode.GetProperty("purchased").GetInt32(), mode.GetProperty("installed").GetInt32(), mode.GetProperty("issued").GetInt32()));

        // A refusal carried in a response file is reported with its own code.
        var refused = Path.Combine(_folder, "refused.response.json");
        await File.WriteAllTextAsync(refused, """{"format":"pk-cal-pack-response-v1","serverId":"x","packCertificate":null,"code":"CAL_MODE_MISMATCH","detail":"refused"}""", TestContext.Current.CancellationToken);
        var carried = await Pk.RunAsync("cal-server", "install-pack", "--data", data, "--offline-response", refused, "--trust", trust, "--json");
        Assert.Equal(ErrorCatalogue.CalModeMismatch.ExitCode, carried.ExitCode);
    }

    [Fact]
    public async Task CALs_answered_before_a_kill_9_are_still_held_after_a_restart()
    {
        var data = Path.Combine(_folder, "device-cals");
        var installed = await Pk.RunAsync("cal-server", "install-pack", "--data", data, "--key", await MakAsync("contoso-server-device-cal"), "--service", server.Url, "--json");
        Assert.True(installed.ExitCode == 0, installed.ToString());
        var port = DemoServerFixture.FreePort();
        var url = $"http://127.0.0.1:{port}";
        _calServer = Process.Start(Pk.StartInfo(null, "cal-server", "serve", "--data", data, "--urls", url))!;
        await WaitForLineAsync(_calServer, "listening");

        // 60 devices ask at once, 8 at a time; the server is killed (SIGKILL) as soon as 20 have their CAL.
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        var answered = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var gate = new SemaphoreSlim(8);
        var twenty = new TaskCompletionSource();
        var asks = Enumerable.Range(0, 60).Select(async i =>
        {
            await gate.WaitAsync(TestContext.Current.CancellationToken);
            try
            {
                using var answer = await http.PostAsJsonAsync("/api/v1/cals", new { mode = "PerDevice", device = $"kill-{i}" }, TestContext.Current.CancellationToken);
                if (answer.IsSuccessStatusCode)
                {
                    answered.Add($"kill-{i}");
                    if (answered.Count >= 20)
                    {
                        twenty.TrySetResult();
                    }
                }
            }
            catch (HttpRequestException)
            {
                // The server died under this request: it was never answered.
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await twenty.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        _calServer.Kill();
        await _calServer.WaitForExitAsync(TestContext.Current.CancellationToken);
        await Task.WhenAll(asks);
        _calServer.Dispose();

        var report = await Pk.RunAsync("cal-server", "report", "--data", data, "--json");
        Assert.True(report.ExitCode == 0, report.ToString());
        var held = report.Json.GetProperty("modes")[0].GetProperty("temporary").GetInt32() + report.Json.GetProperty("modes")[0].GetProperty("permanent").GetInt32();
        Assert.InRange(held, answered.Count, 60);

        // Restarted on the same folder, every answered device is a second connection: its CAL was kept.
        _calServer = Process.Start(Pk.StartInfo(null, "cal-server", "serve", "--data", data, "--urls", url))!;
        await WaitForLineAsync(_calServer, "listening");
        foreach (var device in answered)
        {
            var again = await Pk.RunAsync("cal", "request", "--cal-server", url, "--device", device, "--json");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Equal("Permanent", again.Json.GetProperty("kind").GetString());
        }

        // --store: the device of a license store asks under the store's device ID.
        var store = Path.Combine(_folder, "session-host");
        Assert.Equal(0, (await Pk.RunAsync("ipk", await MakAsync("contoso-server-device-cal"), "--product", "contoso-server-device-cal", "--store", store, "--device-id", "session-host-1", "--service", server.Url)).ExitCode);
        var fromStore = await Pk.RunAsync("cal", "request", "--cal-server", url, "--store", store, "--json");
        Assert.True(fromStore.ExitCode == 0, fromStore.ToString());
        Assert.Equal(("session-host-1", "Temporary"), (fromStore.Json.GetProperty("device").GetString(), fromStore.Json.GetProperty("kind").GetString()));
        var both = await Pk.RunAsync("cal", "request", "--cal-server", url, "--store", store, "--user", "alice", "--json");
        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, both.ExitCode);

        // The operator revokes one device's permanent CAL beside the running server, which sees it at the device's next request.
        var retired = answered.First();
        var revoked = await Pk.RunAsync("cal-server", "revoke-device", "--data", data, "--device", retired, "--json");
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Equal((retired, 1, 100), (revoked.Json.GetProperty("device").GetString(), revoked.Json.GetProperty("used").GetInt32(), revoked.Json.GetProperty("allowed").GetInt32()));
        var afterwards = await Pk.RunAsync("cal", "request", "--cal-server", url, "--device", retired, "--json");
        Assert.Equal("Temporary", afterwards.Json.GetProperty("kind").GetString());
        var unknown = await Pk.RunAsync("cal-server", "revoke-device", "--data", data, "--device", "never-connected");
        Assert.True(unknown.ExitCode == ErrorCatalogue.NotFound.ExitCode, unknown.ToString());
    }

    [Fact]
    public async Task Two_hundred_devices_racing_for_the_last_10_permanent_CALs_of_a_served_folder_get_exactly_10()
    {
        // The demo's device CAL order bought 200: installed as purchased, 190 held permanently leaves 10.
        var data = Path.Combine(_folder, "race");
        var installed = await Pk.RunAsync("cal-server", "install-pack", "--data", data, "--key", await MakAsync("contoso-server-device-cal"),
            "--service", server.Url, "--quantity", "purchased", "--json");
        Assert.True(installed.ExitCode == 0, installed.ToString());
        Assert.Equal(200, installed.Json.GetProperty("installedQuantity").GetInt32());
        var port = DemoServerFixture.FreePort();
        var url = $"http://127.0.0.1:{port}";
        _calServer = Process.Start(Pk.StartInfo(null, "cal-server", "serve", "--data", data, "--urls", url))!;
        await WaitForLineAsync(_calServer, "listening");

        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        using var gate = new SemaphoreSlim(16);
        async Task<string> AskAsync(string device, bool gated)
        {
            if (gated)
            {
                await gate.WaitAsync(TestContext.Current.CancellationToken);
            }

            try
            {
                using var answer = await http.PostAsJsonAsync("/api/v1/cals", new { mode = "PerDevice", device }, TestContext.Current.CancellationToken);
                Assert.True(answer.IsSuccessStatusCode, $"{device}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
                using var json = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
                return json.RootElement.GetProperty("kind").GetString()!;
            }
            finally
            {
                if (gated)
                {
                    gate.Release();
                }
            }
        }

        // 190 early devices connect twice (permanent); 200 racers connect once (temporary).
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 190).Select(i => AskAsync($"early-{i}", gated: true))), k => Assert.Equal("Temporary", k));
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 190).Select(i => AskAsync($"early-{i}", gated: true))), k => Assert.Equal("Permanent", k));
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 200).Select(i => AskAsync($"racer-{i}", gated: true))), k => Assert.Equal("Temporary", k));

        // All 200 second connections at once, against the real process.
        var kinds = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => AskAsync($"racer-{i}", gated: false)));
        Assert.Equal((10, 190), (kinds.Count(k => k == "Permanent"), kinds.Count(k => k == "Temporary")));

        // Stopped by its PID (SIGTERM where there is one), then the folder agrees: 200 permanent, no more.
        if (OperatingSystem.IsWindows())
        {
            _calServer.Kill();
        }
        else
        {
            using var kill = Process.Start("kill", ["-TERM", _calServer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await _calServer.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var report = await Pk.RunAsync("cal-server", "report", "--data", data, "--json");
        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Equal(200, report.Json.GetProperty("modes")[0].GetProperty("permanent").GetInt32());
    }

    [Fact]
    public async Task A_CAL_MAK_on_a_device_is_KEY_WRONG_USE()
    {
        var store = Path.Combine(_folder, "device");
        var mak = await MakAsync("contoso-server-device-cal");
        Assert.Equal(0, (await Pk.RunAsync("ipk", mak, "--product", "contoso-server-device-cal", "--store", store, "--device-id", "cal-pc", "--service", server.Url)).ExitCode);
        var ato = await Pk.RunAsync("ato", "--store", store, "--trust-on-first-use", "--json");
        Assert.Equal(ErrorCatalogue.KeyWrongUse.ExitCode, ato.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (_calServer is { HasExited: false })
        {
            _calServer.Kill(entireProcessTree: true);
            await _calServer.WaitForExitAsync();
        }

        _calServer?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The demo's first MAK of the product (or its last: another pack of a split order).</summary>
    private async Task<string> MakAsync(string product, bool last = false)
    {
        var listed = await Pk.RunAsync("keys", "list", "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        var maks = listed.Json.GetProperty("keys").EnumerateArray()
            .Where(k => k.GetProperty("product").GetString() == product && k.GetProperty("type").GetString() == "Mak").ToList();
        return (last ? maks[^1] : maks[0]).GetProperty("key").GetString()!;
    }

    private static async Task WaitForLineAsync(Process process, string text)
    {
        using var timeout = new CancellationTokenSource(Patience.Process);
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains(text, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        throw new InvalidOperationException($"The process ended before printing '{text}': {await process.StandardError.ReadToEndAsync()}");
    }
}
