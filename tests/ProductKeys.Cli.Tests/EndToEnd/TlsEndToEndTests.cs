using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Tls;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// TLS through the real binaries (docs/operations.md "TLS"): servers answer HTTPS with --cert/--key or a
/// development certificate, clients trust it only by the system store, a pin or a CA file, and a
/// certificate a server cannot use stops it with TLS_CERTIFICATE_INVALID.
/// </summary>
public sealed class TlsEndToEndTests : IDisposable
{
    private const string Product = "contoso-server";
    private readonly string _root = Directory.CreateTempSubdirectory("pk-tls-e2e-").FullName;

    [Fact]
    public async Task Pk_server_self_signed_answers_HTTPS_and_clients_get_through_only_with_its_pin_or_CA()
    {
        var data = Path.Combine(_root, "server");
        var url = $"https://127.0.0.1:{DemoServerFixture.FreePort()}";
        await using var server = await ServerProcess.StartAsync("demo data written", "server", "--demo", "--self-signed", "--data", data, "--urls", url);

        // The printed pin is the SHA-256 of the certificate's public key, as curl computes it.
        var pinLine = await server.WaitForLineAsync("pin-sha256");
        var pin = pinLine[(pinLine.IndexOf("pin-sha256 ", StringComparison.Ordinal) + "pin-sha256 ".Length)..].Trim();
        using (var written = X509Certificate2.CreateFromPemFile(Path.Combine(data, "tls", "cert.pem"), Path.Combine(data, "tls", "key.pem")))
        {
            Assert.Equal(Convert.ToBase64String(SHA256.HashData(written.PublicKey.ExportSubjectPublicKeyInfo())), pin);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "tls", "key.pem")));
        }

        Assert.Contains(server.Lines, l => l.Contains($"listening on {url}", StringComparison.Ordinal));
        // Making the certificate is said, with the pin clients need (a replaced one silently broke pinned clients).
        Assert.Contains(server.Lines, l => l.StartsWith($"pk server: made a development certificate in {Path.Combine(data, "tls")} (none was there)", StringComparison.Ordinal)
            && l.EndsWith($"--pin-sha256 {pin}", StringComparison.Ordinal));
        // The printed sign-in command works as printed: it names the pin.
        Assert.EndsWith($"--pin-sha256 {pin}", (await server.WaitForLineAsync("sign in:")).Trim(), StringComparison.Ordinal);

        // HTTPS answers, to a client that checks the key itself.
        using (var pinned = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && Convert.ToBase64String(SHA256.HashData(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()).PublicKey.ExportSubjectPublicKeyInfo())) == pin,
            },
        }))
        {
            Assert.Equal("ok", JsonDocument.Parse(await pinned.GetStringAsync($"{url}/healthz", TestContext.Current.CancellationToken)).RootElement.GetProperty("status").GetString());
        }

        var keys = Path.Combine(_root, "publisher.pem");
        var untrusted = await Pk.RunAsync("publisher-keys", "export", "--service", url, "--out", keys, "--json");
        Assert.Equal(ErrorCatalogue.TlsUntrusted.ExitCode, untrusted.ExitCode);
        Assert.Equal("TLS_UNTRUSTED", untrusted.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.False(File.Exists(keys));
        var wrongPin = await Pk.RunAsync("publisher-keys", "export", "--service", url, "--out", keys, "--pin-sha256", Convert.ToBase64String(new byte[32]), "--json");
        Assert.Equal(ErrorCatalogue.TlsUntrusted.ExitCode, wrongPin.ExitCode);
        var withPin = await Pk.RunAsync("publisher-keys", "export", "--service", url, "--out", keys, "--pin-sha256", "sha256//" + pin);
        Assert.True(withPin.ExitCode == 0, withPin.ToString());
        var withCa = await Pk.RunAsync("publisher-keys", "export", "--service", url, "--out", keys, "--ca", Path.Combine(data, "tls", "cert.pem"));
        Assert.True(withCa.ExitCode == 0, withCa.ToString());

        // Admin commands: 'pk login --pin-sha256' remembers the pin with the token.
        var profile = Path.Combine(_root, "credentials.json");
        var login = await Pk.RunAsync("login", "--service", url, "--user", "billing-contributor", "--password", "demo-password", "--profile", profile, "--pin-sha256", pin);
        Assert.True(login.ExitCode == 0, login.ToString());
        var listed = await Pk.RunAsync("keys", "list", "--profile", profile, "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        var mak = listed.Json.GetProperty("keys").EnumerateArray()
            .First(k => k.GetProperty("product").GetString() == Product && k.GetProperty("type").GetString() == "Mak").GetProperty("key").GetString()!;

        // A device: the pin given once with --service is remembered in its store for activation.
        var store = Path.Combine(_root, "device-pinned");
        Assert.Equal(0, (await Pk.RunAsync("ipk", mak, "--product", Product, "--store", store, "--service", url, "--device-id", "tls-1", "--pin-sha256", pin)).ExitCode);
        var activated = await Pk.RunAsync("ato", "--store", store, "--trust-on-first-use", "--json");
        Assert.True(activated.ExitCode == 0, activated.ToString());
        Assert.Equal("Licensed", activated.Json.GetProperty("state").GetString());

        // A device that was given no trust for the certificate is refused, and says how to fix it.
        var bare = Path.Combine(_root, "device-bare");
        Assert.Equal(0, (await Pk.RunAsync("ipk", mak, "--product", Product, "--store", bare, "--service", url, "--device-id", "tls-2")).ExitCode);
        var refused = await Pk.RunAsync("ato", "--store", bare, "--trust-on-first-use", "--json");
        Assert.Equal(ErrorCatalogue.TlsUntrusted.ExitCode, refused.ExitCode);
        Assert.Contains("--pin-sha256", refused.Json.GetProperty("error").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("InitialGrace", (await Pk.RunAsync("dli", "--store", bare, "--json")).Json.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_client_that_asks_an_HTTPS_server_over_http_is_told_to_use_https()
    {
        // A new operator's walkthrough of docs/operations.md: 'pk login --service http://…' against 'pk server --self-signed'
        // answered only .NET's "An error occurred while sending the request."
        var port = DemoServerFixture.FreePort();
        await using var server = await ServerProcess.StartAsync("listening on", "server", "--self-signed", "--data", Path.Combine(_root, "server"), "--urls", $"https://127.0.0.1:{port}");

        var login = await Pk.RunAsync("login", "--service", $"http://127.0.0.1:{port}", "--user", "ops", "--password", "ops-password", "--profile", Path.Combine(_root, "credentials.json"), "--json");

        Assert.Equal(ErrorCatalogue.ServiceUnreachable.ExitCode, login.ExitCode);
        Assert.Contains("if it serves HTTPS, use https://", login.Json.GetProperty("error").GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_asks_a_plain_HTTP_server_over_https_is_told_to_use_http()
    {
        // The reverse of the test above: the TLS handshake fails on the server's plain-HTTP answer, and the refusal
        // spoke only of an untrusted certificate ("install its CA, give --ca, or pin it").
        var port = DemoServerFixture.FreePort();
        await using var server = await ServerProcess.StartAsync("listening on", "server", "--data", Path.Combine(_root, "plain"), "--urls", $"http://127.0.0.1:{port}");

        var login = await Pk.RunAsync("login", "--service", $"https://127.0.0.1:{port}", "--user", "ops", "--password", "ops-password", "--profile", Path.Combine(_root, "credentials.json"), "--json");

        Assert.Equal(ErrorCatalogue.TlsUntrusted.ExitCode, login.ExitCode);
        Assert.Contains("If it serves plain HTTP, use http://", login.Json.GetProperty("error").GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kms_host_and_CAL_server_answer_HTTPS_with_cert_and_key_and_print_the_pin()
    {
        var (certificate, key, pin) = WriteCertificate("served", TimeProvider.System);
        foreach (var (name, args) in new (string, string[])[]
        {
            ("KMS host", ["kms-host", "serve", "--data", Path.Combine(_root, "kms")]),
            ("CAL server", ["cal-server", "serve", "--data", Path.Combine(_root, "cal")]),
        })
        {
            var url = $"https://127.0.0.1:{DemoServerFixture.FreePort()}";
            await using var server = await ServerProcess.StartAsync("pin-sha256", [.. args, "--urls", url, "--cert", certificate, "--key", key]);
            Assert.Contains(server.Lines, l => l.Contains($"{name} TLS certificate", StringComparison.Ordinal) && l.Contains(pin, StringComparison.Ordinal));

            using var pinned = Client.Tls.ServerTrust.Create([pin], null).Value.CreateHttpClient(TimeSpan.FromSeconds(30));
            Assert.Equal("ok", await pinned.GetStringAsync($"{url}/healthz", TestContext.Current.CancellationToken));
            using var systemStore = new HttpClient();
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => systemStore.GetStringAsync($"{url}/healthz", TestContext.Current.CancellationToken));
            Assert.IsType<System.Security.Authentication.AuthenticationException>(refused.InnerException);
        }
    }

    [Fact]
    public async Task A_certificate_a_server_cannot_use_stops_it_with_TLS_CERTIFICATE_INVALID()
    {
        var (certificate, key, _) = WriteCertificate("good", TimeProvider.System);
        var (expired, expiredKey, _) = WriteCertificate("expired", new FixedTime(TimeProvider.System.GetUtcNow().AddDays(-200)));
        var (_, otherKey, _) = WriteCertificate("other", TimeProvider.System);
        var (clientOnly, clientOnlyKey) = WriteClientOnlyCertificate();
        var https = $"https://127.0.0.1:{DemoServerFixture.FreePort()}";
        var http = $"http://127.0.0.1:{DemoServerFixture.FreePort()}";
        var data = Path.Combine(_root, "data");

        foreach (var (args, says) in new (string[], string)[]
        {
            (["server", "--data", data, "--urls", https], "no certificate was given"),
            (["server", "--data", data, "--urls", https, "--cert", expired, "--key", expiredKey], "expired on"),
            (["server", "--data", data, "--urls", https, "--cert", certificate], "--cert and --key go together"),
            (["server", "--data", data, "--urls", http, "--cert", certificate, "--key", key], "no --urls address is https://"),
            (["kms-host", "serve", "--data", Path.Combine(_root, "kms"), "--urls", https], "no certificate was given"),
            (["kms-host", "serve", "--data", Path.Combine(_root, "kms"), "--urls", https, "--cert", certificate, "--key", otherKey], "matching private key"),
            (["cal-server", "serve", "--data", Path.Combine(_root, "cal"), "--urls", https, "--cert", expired, "--key", expiredKey], "expired on"),
            (["server", "--data", data, "--urls", https, "--cert", clientOnly, "--key", clientOnlyKey], "lacks server authentication"),
            (["kms-host", "serve", "--data", Path.Combine(_root, "kms"), "--urls", https, "--cert", clientOnly, "--key", clientOnlyKey], "lacks server authentication"),
            (["cal-server", "serve", "--data", Path.Combine(_root, "cal"), "--urls", https, "--cert", clientOnly, "--key", clientOnlyKey], "lacks server authentication"),
        })
        {
            var result = await Pk.RunAsync(args);
            Assert.True(result.ExitCode == ErrorCatalogue.TlsCertificateInvalid.ExitCode, $"pk {string.Join(' ', args)}: {result}");
            Assert.Contains("TLS_CERTIFICATE_INVALID: ", result.Stderr, StringComparison.Ordinal);
            Assert.Contains(says, result.Stderr, StringComparison.Ordinal);
        }
    }

    /// <summary>A --key file every user of the machine could read was served silently by all three servers (found by a hostile review).</summary>
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_private_key_file_others_may_read_stops_every_server_saying_chmod_600()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows files inherit their folder's ACL; no mode is checked there.");
        var (certificate, key, _) = WriteCertificate("readable", TimeProvider.System);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var https = $"https://127.0.0.1:{DemoServerFixture.FreePort()}";

        foreach (var args in new[]
        {
            new[] { "server", "--data", Path.Combine(_root, "data"), "--urls", https, "--cert", certificate, "--key", key },
            ["kms-host", "serve", "--data", Path.Combine(_root, "kms"), "--urls", https, "--cert", certificate, "--key", key],
            ["cal-server", "serve", "--data", Path.Combine(_root, "cal"), "--urls", https, "--cert", certificate, "--key", key],
        })
        {
            var result = await Pk.RunAsync(args);
            Assert.True(result.ExitCode == ErrorCatalogue.TlsCertificateInvalid.ExitCode, $"pk {string.Join(' ', args)}: {result}");
            Assert.Contains($"run 'chmod 600 {key}'", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_pin_or_CA_given_for_a_plain_http_address_is_refused_before_anything_is_sent()
    {
        var http = $"http://127.0.0.1:{DemoServerFixture.FreePort()}";
        var pin = Convert.ToBase64String(new byte[32]);
        foreach (var args in new[]
        {
            new[] { "login", "--service", http, "--user", "ops", "--password", "secret", "--profile", Path.Combine(_root, "profile.json"), "--pin-sha256", pin },
            ["publisher-keys", "export", "--service", http, "--out", Path.Combine(_root, "keys.pem"), "--pin-sha256", pin],
            ["ipk", "G6397-BF377-H68MT-8Q93J-3XTY9", "--product", Product, "--store", Path.Combine(_root, "store"), "--service", http, "--pin-sha256", pin],
        })
        {
            var result = await Pk.RunAsync(args);
            Assert.True(result.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, $"pk {string.Join(' ', args)}: {result}");
            Assert.Contains("is plain http", result.Stderr, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(_root, "profile.json")));
        Assert.False(File.Exists(Path.Combine(_root, "keys.pem")));

        // A store that remembers a plain http:// service: a pin given to a later command is refused too, not saved.
        var remembered = Path.Combine(_root, "remembering");
        Assert.Equal(0, (await Pk.RunAsync("ipk", "G6397-BF377-H68MT-8Q93J-3XTY9", "--product", "desktop", "--store", remembered, "--service", http, "--device-id", "plain")).ExitCode);
        var otherPin = Convert.ToBase64String(Enumerable.Repeat((byte)0x7B, 32).ToArray());
        var activated = await Pk.RunAsync("ato", "--store", remembered, "--pin-sha256", otherPin, "--trust-on-first-use");
        Assert.True(activated.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, activated.ToString());
        Assert.Contains("is plain http", activated.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(otherPin, await File.ReadAllTextAsync(Path.Combine(remembered, "license.json"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    /// <summary>A certificate whose extended key usage is client authentication only: no TLS client accepts it from a server.</summary>
    private (string Certificate, string Key) WriteClientOnlyCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var made = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(30));
        var certificate = Path.Combine(_root, "client-only.crt");
        var keyFile = Path.Combine(_root, "client-only.key");
        File.WriteAllText(certificate, made.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        OwnerOnly(keyFile);
        return (certificate, keyFile);
    }

    /// <summary>A self-signed certificate for 127.0.0.1 written as PEM files, made at <paramref name="time"/>'s now (90 days).</summary>
    private (string Certificate, string Key, string Pin) WriteCertificate(string name, TimeProvider time)
    {
        var made = ServerCertificate.CreateSelfSigned(["127.0.0.1"], time);
        var certificate = Path.Combine(_root, $"{name}.crt");
        var key = Path.Combine(_root, $"{name}.key");
        File.WriteAllText(certificate, made.Leaf.ExportCertificatePem());
        using var privateKey = made.Leaf.GetECDsaPrivateKey()!;
        File.WriteAllText(key, privateKey.ExportPkcs8PrivateKeyPem());
        OwnerOnly(key);
        return (certificate, key, made.Pin);
    }

    /// <summary>A private key as an operator keeps it: readable by its owner only (servers refuse one open to others).</summary>
    private static void OwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
