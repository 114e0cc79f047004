using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;
using ProductKeys.Core.Tls;

namespace ProductKeys.KmsHost.Tests.EndToEnd;

/// <summary>The Native AOT <c>pk-kms-host</c> over TLS (--cert/--key): devices pinned to its key activate; a device without the pin is refused.</summary>
public sealed partial class KmsEndToEndTests
{
    [Fact]
    public async Task The_native_host_serves_TLS_with_cert_and_key_and_devices_reach_it_only_with_its_pin()
    {
        var data = Path.Combine(_root, "host");
        var trust = Path.Combine(_root, "publisher.pem");
        Directory.CreateDirectory(_root);
        SigningKeyFile.SavePublicKeys(trust, new TrustedKeySet(_publisher.PublicKey));
        var made = ServerCertificate.CreateSelfSigned(["127.0.0.1"], TimeProvider.System);
        var certificate = Path.Combine(_root, "host.crt");
        var key = Path.Combine(_root, "host.key");
        await File.WriteAllTextAsync(certificate, made.Leaf.ExportCertificatePem(), TestContext.Current.CancellationToken);
        using (var privateKey = made.Leaf.GetECDsaPrivateKey()!)
        {
            await File.WriteAllTextAsync(key, privateKey.ExportPkcs8PrivateKeyPem(), TestContext.Current.CancellationToken);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite); // servers refuse a key others may read
        }

        var clientKey = ProductKey.Derive(KeyType.KmsClientSetup, 42, 0, new byte[32]).ToString();
        var port = FreeTcpPort();
        using var host = Process.Start(NativeHost.StartInfo("--data", data, "--urls", $"https://127.0.0.1:{port}", "--cert", certificate, "--key", key))!;
        try
        {
            var banner = await host.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            Assert.Matches(HttpsListening(), banner ?? "");
            var pinLine = await host.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            Assert.Contains($"pin-sha256 {made.Pin}", pinLine ?? "", StringComparison.Ordinal);
            await ActivateHostOfflineAsync(data, trust, threshold: 2);

            Assert.Equal(19, (await TlsDevice(1, clientKey, port, made.Pin)).ExitCode);
            var licensed = await TlsDevice(2, clientKey, port, made.Pin);
            Assert.True(licensed.ExitCode == 0, licensed.ToString());
            AssertLicensedFor180Days(licensed.Json);

            var unpinned = await TlsDevice(3, clientKey, port, pin: null);
            Assert.True(unpinned.ExitCode == 69, unpinned.ToString());
            Assert.Contains("TLS_UNTRUSTED", unpinned.Error, StringComparison.Ordinal);
        }
        finally
        {
            await StopAsync(host);
        }
    }

    /// <summary>A device pinned to the host as https://127.0.0.1:PORT, with the host's TLS pin when given (remembered by skms).</summary>
    private async Task<PkResult> TlsDevice(int device, string clientKey, int port, string? pin)
    {
        var store = Store(device);
        var installed = await PkProcess.RunAsync("ipk", clientKey, "--product", Product, "--store", store, "--device-id", $"tls-device-{device}",
            "--trust", Path.Combine(_root, "publisher.pem"));
        Assert.True(installed.ExitCode == 0, installed.ToString());
        var pinned = await PkProcess.RunAsync(pin is null ? ["skms", $"https://127.0.0.1:{port}", "--store", store] : ["skms", $"https://127.0.0.1:{port}", "--store", store, "--pin-sha256", pin]);
        Assert.True(pinned.ExitCode == 0, pinned.ToString());
        return await PkProcess.RunAsync("ato", "--store", store, "--json");
    }

    [GeneratedRegex(@"listening on https://127\.0\.0\.1:\d+")]
    private static partial Regex HttpsListening();
}
