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
            var ato = await Device.RunAsync("ato", "--store", Store(i), "--json");
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
            var status = await Device.RunAsync("ato", "--store", Store(i), "--json");
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
            var discovered = await Device.RunAsync("ato", "--store", Store(6), "--kms-domain", "corp.test", "--dns-server", dns.EndPoint.ToString(), "--json");
            Assert.True(discovered.ExitCode == 0, discovered.ToString());
            Assert.Equal("Licensed", discovered.Json.GetProperty("state").GetString());
            Assert.Equal($"localhost:{port}", (await Device.RunAsync("dlv", "--store", Store(6), "--json")).Json.GetProperty("kmsCachedHost").GetString());
        }

        var hostStatus = await Pk.RunAsync("kms-host", "status", "--data", hostData, "--json");
        Assert.True(hostStatus.ExitCode == 0, hostStatus.ToString());
        Assert.Contains("\"count\": 6", hostStatus.Stdout, StringComparison.Ordinal);
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
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
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
