using System.Diagnostics;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The KMS story against the real service: the demo's KMS host key activates a real
/// 'pk kms-host serve' online, devices with the public KMS client setup key count up to the
/// server product's threshold (5) and become Licensed for 180 days; a sixth finds the host through DNS
/// SRV. The devices run pk, then the Native AOT pk-device (each with its own server and host).
/// </summary>
public abstract class KmsEndToEndTests(DemoServerFixture server) : IClassFixture<DemoServerFixture>, IAsyncDisposable
{
    private const string Product = "contoso-server";
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-kms-e2e-").FullName;
    private Process? _host;

    [Fact]
    public async Task A_host_activated_online_licenses_devices_once_the_threshold_is_reached()
    {
        var hostData = Path.Combine(_folder, "host");
        var hostKey = await KeyOfTypeAsync("KmsHost");
        var activated = await Pk.RunAsync("kms-host", "activate", "--key", hostKey, "--service", server.Url, "--data", hostData, "--json");
        Assert.True(activated.ExitCode == 0, activated.ToString());

        var port = DemoServerFixture.FreePort();
        _host = Process.Start(Pk.StartInfo(null, "kms-host", "serve", "--data", hostData, "--urls", $"http://127.0.0.1:{port}"))!;
        await WaitForLineAsync(_host, "listening");

        var clientKey = server.Demo.GetProperty("products").EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == Product).GetProperty("kmsClientSetupKey").GetString()!;
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(0, (await Device.RunAsync("ipk", clientKey, "--product", Product, "--store", Store(i), "--device-id", $"kms-device-{i}", "--service", server.Url)).ExitCode);
            Assert.Equal(0, (await Device.RunAsync("skms", $"127.0.0.1:{port}", "--store", Store(i))).ExitCode);
            var ato = await Device.RunAsync("ato", "--store", Store(i), "--trust-on-first-use", "--json");
            if (i < 5)
            {
                Assert.Equal(ErrorCatalogue.KmsCountInsufficient.ExitCode, ato.ExitCode);
            }
            else
            {
                Assert.True(ato.ExitCode == 0, ato.ToString());
            }
        }

        for (var i = 1; i <= 5; i++)
        {
            var status = await Device.RunAsync("ato", "--store", Store(i), "--trust-on-first-use", "--json");
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Equal("Licensed", status.Json.GetProperty("state").GetString());
            var expires = status.Json.GetProperty("expires").GetDateTimeOffset();
            Assert.InRange(expires - TimeProvider.System.GetUtcNow(), TimeSpan.FromDays(179), TimeSpan.FromDays(181));
        }

        // A sixth device finds the host through DNS SRV (DnsClient, the part a trimmed binary could lose).
        const string srv = "_pk-kms._tcp.corp.test";
        using (var dns = await Client.Tests.Kms.DnsmasqServer.StartAsync([$"{srv},localhost,{port},10,100"], srv, TestContext.Current.CancellationToken))
        {
            Assert.Equal(0, (await Device.RunAsync("ipk", clientKey, "--product", Product, "--store", Store(6), "--device-id", "kms-device-6", "--service", server.Url)).ExitCode);
            var discovered = await Device.RunAsync("ato", "--store", Store(6), "--trust-on-first-use", "--kms-domain", "corp.test", "--dns-server", dns.EndPoint.ToString(), "--json");
            Assert.True(discovered.ExitCode == 0, discovered.ToString());
            Assert.Equal("Licensed", discovered.Json.GetProperty("state").GetString());
            Assert.Equal($"localhost:{port}", (await Device.RunAsync("dlv", "--store", Store(6), "--json")).Json.GetProperty("kmsCachedHost").GetString());
        }

        var hostStatus = await Pk.RunAsync("kms-host", "status", "--data", hostData, "--json");
        Assert.True(hostStatus.ExitCode == 0, hostStatus.ToString());
        Assert.Contains("\"count\": 6", hostStatus.Stdout, StringComparison.Ordinal);

        // The signed usage report of the host: publisher → host certificate → report, shown with the host key's account.
        var file = Path.Combine(Path.GetDirectoryName(hostData)!, "kms-usage.pka");
        var signed = await Pk.RunAsync("kms-host", "report", "--data", hostData, "--signed", "--out", file, "--json");
        Assert.True(signed.ExitCode == 0, signed.ToString());
        var uploaded = await Pk.RunAsync("usage", "upload", file, "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(uploaded.ExitCode == 0, uploaded.ToString());
        Assert.Equal("kms-host", uploaded.Json.GetProperty("source").GetString());
        var line = uploaded.Json.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("product").GetString() == Product);
        Assert.Equal(("Kms", 6), (line.GetProperty("mode").GetString(), line.GetProperty("used").GetInt32()));
    }

    [Fact]
    public async Task A_host_activates_offline_with_pk_alone_through_pk_offline_activate()
    {
        var hostData = Path.Combine(_folder, "offline-host");
        var request = Path.Combine(_folder, "host-request.json");
        var responses = Path.Combine(_folder, "host-responses");
        var written = await Pk.RunAsync("kms-host", "activate", "--data", hostData, "--key", await KeyOfTypeAsync("KmsHost"), "--offline-request", request, "--json");
        Assert.True(written.ExitCode == 0, written.ToString());
        if (!OperatingSystem.IsWindows())
        {
            // The request holds the KMS host key: owner-only.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(request));
        }

        using (var file = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(request, TestContext.Current.CancellationToken)))
        {
            Assert.Equal("pk-kms-host-request-v1", file.RootElement.GetProperty("format").GetString());
        }

        var answered = await Pk.RunAsync("offline", "activate", request, "--out", responses,
            "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(answered.ExitCode == 0, answered.ToString());
        Assert.Equal(1, answered.Json.GetProperty("activated").GetInt32());
        var response = Path.Combine(responses, "host-request.response.json");

        // Answered again (the same host: no activation used), its summary names the KMS host's next step, not a device's 'pk atp'.
        var told = await Pk.RunAsync("offline", "activate", request, "--out", Path.Combine(_folder, "host-responses-again"),
            "--service", server.Url, "--token", server.Token("billing-contributor"));
        Assert.True(told.ExitCode == 0, told.ToString());
        Assert.Contains("on each KMS host: pk kms-host activate", told.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("pk atp", told.Stdout, StringComparison.Ordinal);

        var installed = await Pk.RunAsync("kms-host", "activate", "--data", hostData, "--offline-response", response,
            "--trust", Path.Combine(responses, "publisher-keys.pem"), "--json");
        Assert.True(installed.ExitCode == 0, installed.ToString());
        Assert.Contains(installed.Json.GetProperty("products").EnumerateArray(), p => p.GetProperty("productId").GetString() == Product);
        var status = await Pk.RunAsync("kms-host", "status", "--data", hostData, "--json");
        Assert.True(status.Json.GetProperty("activated").GetBoolean(), status.ToString());
    }

    [Fact]
    public async Task A_client_key_of_another_product_is_refused_and_status_says_when_the_host_stopped()
    {
        var hostData = Path.Combine(_folder, "host");
        var activated = await Pk.RunAsync("kms-host", "activate", "--key", await KeyOfTypeAsync("KmsHost"), "--service", server.Url, "--data", hostData);
        Assert.True(activated.ExitCode == 0, activated.ToString());
        var port = DemoServerFixture.FreePort();
        _host = Process.Start(Pk.StartInfo(null, "kms-host", "serve", "--data", hostData, "--urls", $"http://127.0.0.1:{port}"))!;
        await WaitForLineAsync(_host, "listening");

        // The desktop product's KMS client setup key, installed as the server product the host also covers.
        var desktopKey = server.Demo.GetProperty("products").EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == "contoso-desktop").GetProperty("kmsClientSetupKey").GetString()!;
        Assert.Equal(0, (await Pk.RunAsync("ipk", desktopKey, "--product", Product, "--store", Store(1), "--device-id", "wrong-key-device", "--service", server.Url)).ExitCode);
        Assert.Equal(0, (await Pk.RunAsync("skms", $"127.0.0.1:{port}", "--store", Store(1))).ExitCode);
        var ato = await Pk.RunAsync("ato", "--store", Store(1), "--trust-on-first-use", "--json");
        Assert.True(ato.ExitCode == ErrorCatalogue.KeyNotForProduct.ExitCode, ato.ToString());
        Assert.Equal(ErrorCatalogue.KeyNotForProduct.Code, ato.Json.GetProperty("error").GetProperty("code").GetString());

        var running = await Pk.RunAsync("kms-host", "status", "--data", hostData, "--json");
        Assert.True(running.Json.GetProperty("running").GetBoolean(), running.ToString());
        Assert.Equal(1, running.Json.GetProperty("failedByCode").GetProperty("KEY_NOT_FOR_PRODUCT").GetInt32());
        Assert.DoesNotContain(running.Json.GetProperty("products").EnumerateArray(), p => p.GetProperty("count").GetInt32() > 0);

        _host.Kill(entireProcessTree: true);
        await _host.WaitForExitAsync(TestContext.Current.CancellationToken);
        var stopped = await Pk.RunAsync("kms-host", "status", "--data", hostData);
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.Contains("Listening:      no, the host is not running", stopped.Stdout, StringComparison.Ordinal);
        // The text names the refusals by code, as the --json does (it said only "1 failed").
        Assert.Contains("1 refused)", stopped.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n  refused KEY_NOT_FOR_PRODUCT +1\n", stopped.Stdout);
        Assert.False((await Pk.RunAsync("kms-host", "status", "--data", hostData, "--json")).Json.GetProperty("running").GetBoolean());
    }

    protected abstract DeviceProgram Device { get; }

    public async ValueTask DisposeAsync()
    {
        if (_host is { HasExited: false })
        {
            _host.Kill(entireProcessTree: true);
            await _host.WaitForExitAsync();
        }

        _host?.Dispose();
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    private string Store(int device) => Path.Combine(_folder, $"device-{device}");

    private async Task<string> KeyOfTypeAsync(string type)
    {
        var listed = await Pk.RunAsync("keys", "list", "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return listed.Json.GetProperty("keys").EnumerateArray()
            .First(k => k.GetProperty("product").GetString() == Product && k.GetProperty("type").GetString() == type)
            .GetProperty("key").GetString()!;
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

    public sealed class WithPk(DemoServerFixture server) : KmsEndToEndTests(server)
    {
        protected override DeviceProgram Device => DeviceProgram.Pk;
    }

    public sealed class WithPkDevice(DemoServerFixture server) : KmsEndToEndTests(server)
    {
        protected override DeviceProgram Device => DeviceProgram.Native;
    }
}
