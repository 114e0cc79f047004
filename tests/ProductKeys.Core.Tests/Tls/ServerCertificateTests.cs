using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Tls;

namespace ProductKeys.Core.Tests.Tls;

public sealed class ServerCertificateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-tls-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_PEM_certificate_chain_and_its_key_load_with_the_intermediate_as_chain()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var root = rootRequest.CreateSelfSigned(_time.GetUtcNow().AddDays(-1), _time.GetUtcNow().AddDays(30));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = new CertificateRequest("CN=127.0.0.1", leafKey, HashAlgorithmName.SHA256)
            .Create(root, _time.GetUtcNow().AddDays(-1), _time.GetUtcNow().AddDays(10), [1, 2, 3, 4]);
        var certificateFile = Write("chain.pem", leaf.ExportCertificatePem() + "\n" + root.ExportCertificatePem());
        var keyFile = Write("key.pem", leafKey.ExportPkcs8PrivateKeyPem());

        var loaded = ServerCertificate.Load(certificateFile, keyFile, _time);

        Assert.True(loaded.IsSuccess, loaded.Refusal?.ToString());
        Assert.Equal(leaf.Thumbprint, loaded.Value.Leaf.Thumbprint);
        Assert.True(loaded.Value.Leaf.HasPrivateKey);
        Assert.Equal([root.Thumbprint], loaded.Value.Chain.Select(c => c.Thumbprint));
        Assert.Contains(loaded.Value.Pin, loaded.Value.Describe(), StringComparison.Ordinal);
    }

    /// <summary>A chain written CA first, then the leaf, was "cannot be read as a PEM certificate with its matching private key (…)" (found by a hostile review).</summary>
    [Fact]
    public void A_certificate_file_with_the_leaf_after_its_CA_is_TLS_CERTIFICATE_INVALID_saying_the_leaf_must_come_first()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var root = rootRequest.CreateSelfSigned(_time.GetUtcNow().AddDays(-1), _time.GetUtcNow().AddDays(30));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = new CertificateRequest("CN=127.0.0.1", leafKey, HashAlgorithmName.SHA256)
            .Create(root, _time.GetUtcNow().AddDays(-1), _time.GetUtcNow().AddDays(10), [1, 2, 3, 4]);
        var certificateFile = Write("ca-first.pem", root.ExportCertificatePem() + "\n" + leaf.ExportCertificatePem());
        var keyFile = Write("leaf-key.pem", leafKey.ExportPkcs8PrivateKeyPem());

        AssertInvalid(ServerCertificate.Load(certificateFile, keyFile, _time),
            $"{certificateFile} holds the certificate matching {keyFile} as certificate 2, not first: the server's own certificate (the leaf) must come first");
    }

    [Fact]
    public void A_missing_file_a_key_of_another_certificate_or_an_expired_or_future_certificate_is_TLS_CERTIFICATE_INVALID()
    {
        var (certificate, key) = WriteSelfSigned("a", _time);
        var (_, otherKey) = WriteSelfSigned("b", _time);

        Assert.True(ServerCertificate.Load(certificate, key, _time).IsSuccess);
        AssertInvalid(ServerCertificate.Load(Path.Combine(_folder, "none.pem"), key, _time), "does not exist");
        AssertInvalid(ServerCertificate.Load(certificate, otherKey, _time), "matching private key");
        AssertInvalid(ServerCertificate.Load(key, key, _time), "matching private key");
        AssertInvalid(ServerCertificate.Load(certificate, key, new FakeTimeProvider(_time.GetUtcNow().AddDays(91))), "expired on");
        AssertInvalid(ServerCertificate.Load(certificate, key, new FakeTimeProvider(_time.GetUtcNow().AddDays(-1))), "not valid before");
    }

    /// <summary>A folder was reported as "does not exist" and an encrypted key as "no matching private key" (found by a hostile review).</summary>
    [Fact]
    public void A_folder_given_as_a_file_or_an_encrypted_key_is_TLS_CERTIFICATE_INVALID_saying_so()
    {
        var (certificate, key) = WriteSelfSigned("c", _time);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var encrypted = Write("encrypted.pem", ecdsa.ExportEncryptedPkcs8PrivateKeyPem("secret".AsSpan(),
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));

        AssertInvalid(ServerCertificate.Load(_folder, key, _time), "is a folder, not a PEM file");
        AssertInvalid(ServerCertificate.Load(certificate, _folder, _time), "is a folder, not a PEM file");
        AssertInvalid(ServerCertificate.Load(certificate, encrypted, _time), "is encrypted");
    }

    /// <summary>A key file any user of the machine could read was served silently, unlike a signing key file (found by a hostile review).</summary>
    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.GroupWrite)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_private_key_file_group_or_others_may_use_is_TLS_CERTIFICATE_INVALID_saying_chmod_600(UnixFileMode extra)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows files inherit their folder's ACL; no mode is checked there.");
        var (certificate, key) = WriteSelfSigned("open", _time);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);

        AssertInvalid(ServerCertificate.Load(certificate, key, _time), $"run 'chmod 600 {key}'");

        File.SetUnixFileMode(key, UnixFileMode.UserRead);
        Assert.True(ServerCertificate.Load(certificate, key, _time).IsSuccess);
    }

    [Fact]
    public void A_certificate_clients_would_refuse_for_a_server_is_TLS_CERTIFICATE_INVALID_at_start()
    {
        AssertInvalid(LoadWith("client-only", ecdsa: true, new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false)), "lacks server authentication");
        AssertInvalid(LoadWith("ca-only", ecdsa: true, new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true)), "allows neither digital signatures");
        AssertInvalid(LoadWith("rsa-1024", ecdsa: false), "1024-bit RSA key");

        var serverAndClient = new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2"), new Oid("1.3.6.1.5.5.7.3.1")], false);
        Assert.True(LoadWith("server", ecdsa: true, serverAndClient, new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true)).IsSuccess);
    }

    /// <summary>A CA certificate given as the server's own was served: some clients refuse it, and the CA's key sat on the server (found by a hostile review).</summary>
    [Fact]
    public void A_CA_certificate_given_as_the_servers_own_is_TLS_CERTIFICATE_INVALID()
    {
        AssertInvalid(LoadWith("ca-leaf", ecdsa: true, new X509BasicConstraintsExtension(true, false, 0, true)), "is a CA certificate (basic constraints CA:TRUE)");
        Assert.True(LoadWith("end-entity", ecdsa: true, new X509BasicConstraintsExtension(false, false, 0, true)).IsSuccess);
    }

    /// <summary>
    /// A certificate or key file was read whole, whatever its size: a multi-gigabyte file given by mistake (or --cert /dev/zero)
    /// filled the memory before anything was said (found by a hostile review). Past 1 MiB it is refused unread.
    /// </summary>
    [Fact]
    public void A_certificate_or_key_file_over_1_MiB_is_TLS_CERTIFICATE_INVALID_unread()
    {
        var (certificate, key) = WriteSelfSigned("big", _time);
        var padded = Write("padded.crt", File.ReadAllText(certificate) + new string('#', ServerCertificate.MaxPemFileChars));
        var paddedKey = Write("padded.key", File.ReadAllText(key) + new string('#', ServerCertificate.MaxPemFileChars));

        AssertInvalid(ServerCertificate.Load(padded, key, _time), $"{padded} holds more than 1 MiB");
        AssertInvalid(ServerCertificate.Load(certificate, paddedKey, _time), $"{paddedKey} holds more than 1 MiB");
        Assert.True(ServerCertificate.Load(Write("exact.crt", File.ReadAllText(certificate).PadRight(ServerCertificate.MaxPemFileChars, '\n')), key, _time).IsSuccess);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", false, false, null)]
    [InlineData("https://127.0.0.1:8443", true, false, null)]
    [InlineData("https://127.0.0.1:8443", false, true, null)]
    [InlineData("https://127.0.0.1:8443", false, false, "no certificate was given")]
    [InlineData("http://127.0.0.1:8080", true, false, "no --urls address is https://")]
    [InlineData("http://127.0.0.1:8081;https://127.0.0.1:8443", true, false, null)]
    public void Listening_addresses_and_the_certificate_must_fit(string urls, bool certificate, bool configured, string? refusal)
    {
        var problem = ServerCertificate.CheckListening(urls.Split(';'), certificate, configured);

        if (refusal is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Equal(ErrorCatalogue.TlsCertificateInvalid, problem?.Error);
            Assert.Contains(refusal, problem!.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_development_certificate_is_kept_owner_only_reused_across_starts_and_renewed_near_expiry()
    {
        var tls = Path.Combine(_folder, "tls");
        var first = ServerCertificate.LoadOrCreateSelfSigned(tls, ["192.0.2.7"], _time).Value.Certificate;
        var again = ServerCertificate.LoadOrCreateSelfSigned(tls, ["192.0.2.7"], _time).Value;

        Assert.Equal(first.Pin, again.Certificate.Pin);
        Assert.Null(again.Notice);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tls, "key.pem")));
        }

        var names = first.Leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", names.EnumerateDnsNames());
        Assert.Contains(System.Net.IPAddress.Parse("192.0.2.7"), names.EnumerateIPAddresses());
        Assert.Contains(System.Net.IPAddress.Loopback, names.EnumerateIPAddresses());

        _time.Advance(ServerCertificate.SelfSignedLifetime - TimeSpan.FromDays(3));
        var renewed = ServerCertificate.LoadOrCreateSelfSigned(tls, [], _time).Value.Certificate;
        Assert.NotEqual(first.Pin, renewed.Pin);
        Assert.True(renewed.Leaf.NotAfter.ToUniversalTime() > _time.GetUtcNow().AddDays(80));
    }

    /// <summary>A development certificate was made or replaced silently: clients that had pinned it broke with no word why (found by a hostile review).</summary>
    [Fact]
    public void Making_or_replacing_the_development_certificate_says_why_and_the_pin_old_and_new()
    {
        var tls = Path.Combine(_folder, "tls");
        var made = ServerCertificate.LoadOrCreateSelfSigned(tls, [], _time).Value;
        Assert.Contains("(none was there)", made.Notice, StringComparison.Ordinal);
        Assert.Contains($"--pin-sha256 {made.Certificate.Pin}", made.Notice, StringComparison.Ordinal);

        _time.Advance(ServerCertificate.SelfSignedLifetime - TimeSpan.FromDays(3));
        var renewed = ServerCertificate.LoadOrCreateSelfSigned(tls, [], _time).Value;
        Assert.Contains($"replaced the development certificate in {tls} (it expires on", renewed.Notice, StringComparison.Ordinal);
        Assert.Contains($"clients that pinned {made.Certificate.Pin} need --pin-sha256 {renewed.Certificate.Pin} now", renewed.Notice, StringComparison.Ordinal);

        File.Delete(Path.Combine(tls, "key.pem"));
        var rekeyed = ServerCertificate.LoadOrCreateSelfSigned(tls, [], _time).Value;
        Assert.Contains("key.pem is missing)", rekeyed.Notice, StringComparison.Ordinal);
        Assert.Contains($"clients that pinned {renewed.Certificate.Pin}", rekeyed.Notice, StringComparison.Ordinal);
    }

    /// <summary>Whatever was in DATA/tls was overwritten when it did not load, an operator's own certificate and key included (found by a hostile review).</summary>
    [Theory]
    [InlineData("operator's, expiring")]
    [InlineData("operator's, expired")]
    [InlineData("not a certificate")]
    [InlineData("a key alone")]
    public void A_certificate_in_the_development_folder_that_pk_did_not_make_is_refused_and_never_overwritten(string kind)
    {
        var tls = Path.Combine(_folder, "tls");
        Directory.CreateDirectory(tls);
        var (certificatePath, keyPath) = (Path.Combine(tls, "cert.pem"), Path.Combine(tls, "key.pem"));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=licensing.example.com", key, HashAlgorithmName.SHA256);
        var now = _time.GetUtcNow();
        using var operators = kind == "operator's, expired"
            ? request.CreateSelfSigned(now.AddDays(-100), now.AddDays(-1))
            : request.CreateSelfSigned(now.AddDays(-1), now.AddDays(3));
        if (kind != "a key alone")
        {
            File.WriteAllText(certificatePath, kind == "not a certificate" ? "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" : operators.ExportCertificatePem());
        }

        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var before = Directory.GetFiles(tls).Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();

        var refused = ServerCertificate.LoadOrCreateSelfSigned(tls, [], _time);

        Assert.Equal(ErrorCatalogue.TlsCertificateInvalid, refused.Refusal?.Error);
        Assert.Contains("it is not replaced: give it with --cert", refused.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFiles(tls).Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Outcome<ServerCertificate> LoadWith(string name, bool ecdsa, params X509Extension[] extensions)
    {
        using AsymmetricAlgorithm key = ecdsa ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(1024);
        var request = key is ECDsa ec
            ? new CertificateRequest("CN=127.0.0.1", ec, HashAlgorithmName.SHA256)
            : new CertificateRequest("CN=127.0.0.1", (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        foreach (var extension in extensions)
        {
            request.CertificateExtensions.Add(extension);
        }

        using var certificate = request.CreateSelfSigned(_time.GetUtcNow().AddDays(-1), _time.GetUtcNow().AddDays(30));
        return ServerCertificate.Load(Write(name + ".pem", certificate.ExportCertificatePem()), Write(name + ".key", key.ExportPkcs8PrivateKeyPem()), _time);
    }

    private static void AssertInvalid(Outcome<ServerCertificate> outcome, string says)
    {
        Assert.Equal(ErrorCatalogue.TlsCertificateInvalid, outcome.Refusal?.Error);
        Assert.Contains(says, outcome.Refusal!.Detail, StringComparison.Ordinal);
    }

    private (string Certificate, string Key) WriteSelfSigned(string name, TimeProvider time)
    {
        var made = ServerCertificate.CreateSelfSigned(["127.0.0.1"], time);
        using var key = made.Leaf.GetECDsaPrivateKey()!;
        return (Write(name + ".crt", made.Leaf.ExportCertificatePem()), Write(name + ".key", key.ExportPkcs8PrivateKeyPem()));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            // As an operator keeps a private key: servers refuse one others may read.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }
}
