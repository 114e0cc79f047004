using System.Text.Json;
using System.Text.Json.Nodes;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// What a newcomer does after 'pk server --demo': install the demo MAK on device stores, activate,
/// watch the count rise to the limit, go offline with dti / offline activate / atp — all through
/// the real pk binary against a real server process. The device side runs once with pk and once with
/// the Native AOT pk-device (each with its own server: the story uses up the demo MAK).
/// </summary>
public abstract class MakEndToEndTests(DemoServerFixture server) : IClassFixture<DemoServerFixture>, IDisposable
{
    private const string Product = "contoso-server"; // demo order of 10: limit 15
    private readonly string _devices = Directory.CreateTempSubdirectory("pk-mak-e2e-").FullName;

    [Fact]
    public async Task Devices_activate_up_to_the_limit_then_offline_after_the_publisher_raises_it()
    {
        var (keyId, key) = await DemoMakAsync();
        for (var i = 1; i <= 15; i++)
        {
            var installed = await Device.RunAsync("ipk", key, "--product", Product, "--store", Store(i), "--service", server.Url, "--device-id", $"device-{i}");
            Assert.True(installed.ExitCode == 0, installed.ToString());
            var activated = await Device.RunAsync("ato", "--store", Store(i), "--trust-on-first-use", "--json");
            Assert.True(activated.ExitCode == 0, activated.ToString());
            Assert.Equal("Licensed", activated.Json.GetProperty("state").GetString());
        }

        var status = await Device.RunAsync("dli", "--store", Store(3), "--json");
        Assert.Equal("Licensed", status.Json.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, status.Json.GetProperty("expires").ValueKind);
        Assert.Equal(key[^5..], status.Json.GetProperty("partialKey").GetString());
        Assert.Equal(15, await UsedAsync(key));

        await Device.RunAsync("ipk", key, "--product", Product, "--store", Store(16), "--service", server.Url, "--device-id", "device-16");
        var refused = await Device.RunAsync("ato", "--store", Store(16), "--trust-on-first-use", "--json");
        Assert.Equal(ErrorCatalogue.MakLimitReached.ExitCode, refused.ExitCode);
        Assert.Equal("MAK_LIMIT_REACHED", refused.Json.GetProperty("error").GetProperty("code").GetString());

        var again = await Device.RunAsync("ato", "--store", Store(1), "--trust-on-first-use", "--json");
        Assert.Equal("Licensed", again.Json.GetProperty("state").GetString());
        Assert.Equal(15, await UsedAsync(key));

        var raised = await Pk.RunAsync("keys", "raise", keyId, "--limit", "17", "--service", server.Url, "--token", server.Token("publisher-admin"));
        Assert.True(raised.ExitCode == 0, raised.ToString());

        // Two air-gapped devices: requests out, one proxy activation, responses in.
        await Device.RunAsync("ipk", key, "--product", Product, "--store", Store(20), "--device-id", "airgap-20");
        await Device.RunAsync("ipk", key, "--product", Product, "--store", Store(21), "--device-id", "airgap-21");
        var requests = Path.Combine(_devices, "requests");
        Directory.CreateDirectory(requests);
        Assert.Equal(0, (await Device.RunAsync("dti", Path.Combine(requests, "air20.json"), "--store", Store(20))).ExitCode);
        // The request holds the plaintext MAK: owner-only, like the credentials.
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(requests, "air20.json")));
        }
        Assert.Equal(0, (await Pk.RunAsync("offline", "request", Path.Combine(requests, "air21.json"), "--store", Store(21))).ExitCode);
        var responses = Path.Combine(_devices, "responses");
        var proxy = await Pk.RunAsync("offline", "activate", requests, "--out", responses, "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(proxy.ExitCode == 0, proxy.ToString());
        Assert.Equal(2, proxy.Json.GetProperty("activated").GetInt32());
        var trust = Path.Combine(responses, "publisher-keys.pem");

        var wrongDevice = await Device.RunAsync("atp", Path.Combine(responses, "air21.response.json"), "--store", Store(20), "--trust", trust);
        Assert.Equal(ErrorCatalogue.OfflineDataInvalid.ExitCode, wrongDevice.ExitCode);
        var tampered = Tamper(Path.Combine(responses, "air20.response.json"));
        Assert.Equal(ErrorCatalogue.SignatureInvalid.ExitCode, (await Device.RunAsync("atp", tampered, "--store", Store(20), "--trust", trust)).ExitCode);
        Assert.Equal("InitialGrace", (await Device.RunAsync("dli", "--store", Store(20), "--json")).Json.GetProperty("state").GetString());

        var applied = await Device.RunAsync("atp", Path.Combine(responses, "air20.response.json"), "--store", Store(20), "--json");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Equal("Licensed", applied.Json.GetProperty("state").GetString());
        Assert.Equal(17, await UsedAsync(key));
    }

    protected abstract DeviceProgram Device { get; }

    public void Dispose()
    {
        Directory.Delete(_devices, recursive: true);
        GC.SuppressFinalize(this);
    }

    private string Store(int device) => Path.Combine(_devices, $"device-{device}");

    private async Task<(string Id, string Key)> DemoMakAsync()
    {
        var listed = await Pk.RunAsync("keys", "list", "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        var mak = listed.Json.GetProperty("keys").EnumerateArray()
            .Single(k => k.GetProperty("product").GetString() == Product && k.GetProperty("type").GetString() == "Mak");
        return (mak.GetProperty("id").GetString()!, mak.GetProperty("key").GetString()!);
    }

    private async Task<int> UsedAsync(string key)
    {
        var count = await Pk.RunAsync("mak", "count", key, "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(count.ExitCode == 0, count.ToString());
        return count.Json.GetProperty("activationsUsed").GetInt32();
    }

    private string Tamper(string responseFile)
    {
        var json = JsonNode.Parse(File.ReadAllText(responseFile))!;
        var certificate = json["certificate"]!.GetValue<string>();
        var at = certificate.Length / 2;
        json["certificate"] = certificate[..at] + (certificate[at] == 'A' ? 'B' : 'A') + certificate[(at + 1)..];
        var path = Path.Combine(_devices, "tampered.response.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    public sealed class WithPk(DemoServerFixture server) : MakEndToEndTests(server)
    {
        protected override DeviceProgram Device => DeviceProgram.Pk;
    }

    public sealed class WithPkDevice(DemoServerFixture server) : MakEndToEndTests(server)
    {
        protected override DeviceProgram Device => DeviceProgram.Native;
    }
}
