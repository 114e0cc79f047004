using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>pk cal request --store S</c> verifies a device CAL with what the device believes (ADR 0019): not with keys written
/// into a store whose MAC fails, and with the trust directory's keys alone when it holds any. A stand-in CAL server answers a
/// chain signed by a key of the device user's making.
/// </summary>
public sealed class CalRequestTrustTests : IDisposable
{
    private const string Mak = "G6397-BF377-H68MT-8Q93J-3XTY9";
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-cal-trust-").FullName;

    [Fact]
    public async Task Keys_edited_into_the_store_do_not_verify_a_forged_device_CAL_and_the_trust_directory_is_the_only_anchor()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the trust directory's owner and mode checks are Unix's
        }

        using var publisher = SigningKey.Generate();
        using var attacker = SigningKey.Generate();
        using var server = SigningKey.Generate();
        var trustFile = Path.Combine(_folder, "publisher-keys.pem");
        File.WriteAllText(trustFile, publisher.PublicKey.ToPem());
        var store = Path.Combine(_folder, "store");
        var installed = await Pk.RunAsync("ipk", Mak, "--product", "desktop", "--store", store, "--device-id", "pc-1", "--trust", trustFile);
        Assert.True(installed.ExitCode == 0, installed.ToString());

        // The device's user swaps the pinned key for their own (without the MAC: a device command would say STORE_TAMPERED).
        var path = Path.Combine(store, "license.json");
        var text = File.ReadAllText(path);
        var pinned = JsonEncodedText.Encode(publisher.PublicKey.ToPem()).ToString();
        Assert.Contains(pinned, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(pinned, JsonEncodedText.Encode(attacker.PublicKey.ToPem()).ToString(), StringComparison.Ordinal));

        var answer = ForgedAnswer(attacker, server, "pc-1");
        var unsealed = await RequestAsync(answer, store, environment: null);
        Assert.True(unsealed.ExitCode == 0, unsealed.ToString());
        Assert.Contains("not verified", unsealed.Stderr, StringComparison.Ordinal);

        var trustDirectory = Directory.CreateDirectory(Path.Combine(_folder, "trust")).FullName;
        File.SetUnixFileMode(trustDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(trustDirectory, "publisher.pem"), publisher.PublicKey.ToPem());
        var anchored = await RequestAsync(answer, store, new Dictionary<string, string> { ["PK_TRUST_DIR"] = trustDirectory });
        Assert.True(anchored.ExitCode == ErrorCatalogue.SignatureInvalid.ExitCode, anchored.ToString());
        Assert.StartsWith("SIGNATURE_INVALID: ", anchored.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("holds", anchored.Stdout, StringComparison.Ordinal);
    }

    /// <summary>A pack certificate signed by <paramref name="issuer"/> for <paramref name="server"/>, and a device CAL that key signs.</summary>
    private static string ForgedAnswer(SigningKey issuer, SigningKey server, string device)
    {
        var pack = CalPackCertificate.Issue(new ArtifactSigner(issuer, TimeProvider.System), Guid.NewGuid().ToString(), "desktop-cal", CalMode.PerDevice, 500, 500,
            "cals-00000000000000aa", server.PublicKey.ToPem());
        var cal = DeviceCal.Issue(new ArtifactSigner(server, TimeProvider.System), pack, "00000000000000c1", DeviceCalKind.Permanent, device,
            TimeProvider.System.GetUtcNow().AddDays(89));
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["mode"] = "PerDevice", ["device"] = device, ["kind"] = "Permanent", ["calId"] = cal.CalId, ["serverId"] = pack.ServerId,
            ["expires"] = cal.Expires.ToString("O", CultureInfo.InvariantCulture), ["cal"] = cal.Text, ["packCertificate"] = pack.Text,
        });
    }

    private static async Task<Pk.Result> RequestAsync(string body, string store, IReadOnlyDictionary<string, string>? environment)
    {
        using var listener = new HttpListener();
        var port = PkServerProcess.FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var answering = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            context.Response.Headers["Content-Type"] = "application/json";
            await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body), TestContext.Current.CancellationToken);
            context.Response.Close();
        }, TestContext.Current.CancellationToken);
        var result = await Pk.RunAsync(environment, "cal", "request", "--cal-server", $"http://127.0.0.1:{port}", "--store", store);
        await answering;
        return result;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
