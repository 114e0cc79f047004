using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// A real 'pk kms-host serve', activated online against the demo server, and KMS client devices
/// activated through it with 'pk ipk/skms/ato' until the server product's threshold (5) is met.
/// </summary>
internal sealed class KmsHostWithDevices : IAsyncDisposable
{
    public const string Product = "contoso-server";
    private Process? _host;

    private KmsHostWithDevices(string folder) => Folder = folder;

    public string Folder { get; }

    public int Port { get; private set; }

    public string Address => $"127.0.0.1:{Port}";

    public static async Task<KmsHostWithDevices> StartAsync(DemoServerFixture server, string folder)
    {
        var world = new KmsHostWithDevices(folder);
        var hostData = Path.Combine(folder, "host");
        var activated = await Pk.RunAsync("kms-host", "activate", "--key", await KeyOfTypeAsync(server, "KmsHost"), "--service", server.Url, "--data", hostData, "--json");
        Assert.True(activated.ExitCode == 0, activated.ToString());

        world.Port = DemoServerFixture.FreePort();
        world._host = Process.Start(Pk.StartInfo(null, "kms-host", "serve", "--data", hostData, "--urls", $"http://127.0.0.1:{world.Port}"))!;
        await WaitForLineAsync(world._host.StandardOutput, "listening");
        return world;
    }

    public static string KmsClientKey(DemoServerFixture server) =>
        server.Demo.GetProperty("products").EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == Product).GetProperty("kmsClientSetupKey").GetString()!;

    public static async Task<string> KeyOfTypeAsync(DemoServerFixture server, string type)
    {
        var listed = await Pk.RunAsync("keys", "list", "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return listed.Json.GetProperty("keys").EnumerateArray()
            .First(k => k.GetProperty("product").GetString() == Product && k.GetProperty("type").GetString() == type)
            .GetProperty("key").GetString()!;
    }

    public string Store(int device) => Path.Combine(Folder, $"device-{device}");

    /// <summary>
    /// Installs the KMS client key on devices 1..<paramref name="count"/> and runs 'pk ato' on each; once
    /// the threshold (5) is met, the devices that asked too early ask again, so all are activated.
    /// </summary>
    public async Task ActivateDevicesAsync(DemoServerFixture server, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            Assert.Equal(0, (await Pk.RunAsync("ipk", KmsClientKey(server), "--product", Product, "--store", Store(i), "--device-id", $"kms-device-{i}", "--service", server.Url)).ExitCode);
            Assert.Equal(0, (await Pk.RunAsync("skms", Address, "--store", Store(i))).ExitCode);
            await Pk.RunAsync("ato", "--store", Store(i), "--trust-on-first-use");
        }

        for (var i = 1; i < Math.Min(count, 5) && count >= 5; i++)
        {
            var ato = await Pk.RunAsync("ato", "--store", Store(i), "--trust-on-first-use");
            Assert.True(ato.ExitCode == 0, ato.ToString());
        }
    }

    /// <summary>The store's license.json, to read (editing it would be tampering: see <see cref="MakeRenewalDueAsync"/>).</summary>
    public static JsonNode ReadStore(string store) => JsonNode.Parse(File.ReadAllText(Path.Combine(store, "license.json")))!;

    /// <summary>Makes the store's KMS renewal due now the documented way ('pk renew --due-now'), not by editing the sealed store.</summary>
    public static async Task MakeRenewalDueAsync(string store)
    {
        var due = await Pk.RunAsync("renew", "--store", store, "--due-now", "--json");
        Assert.True(due.ExitCode is 0 or 19, due.ToString());
    }

    public static async Task WaitForLineAsync(StreamReader output, string text)
    {
        using var timeout = new CancellationTokenSource(Patience.Process);
        while (await output.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains(text, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        throw new InvalidOperationException($"The process ended before printing '{text}'.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is { HasExited: false })
        {
            _host.Kill(entireProcessTree: true);
            await _host.WaitForExitAsync();
        }

        _host?.Dispose();
    }
}
