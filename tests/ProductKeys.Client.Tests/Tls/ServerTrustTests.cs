using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ProductKeys.Client.Tls;
using ProductKeys.Core.Tls;

namespace ProductKeys.Client.Tests.Tls;

/// <summary>
/// How a client decides about a server certificate (docs/operations.md "TLS"): the system store by default; a
/// pinned leaf key alone; a pinned CA key or CA file only with the right host name; never anything else.
/// </summary>
public sealed class ServerTrustTests : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _leaf;

    public ServerTrustTests()
    {
        var now = TimeProvider.System.GetUtcNow();
        var caRequest = new CertificateRequest("CN=Private CA", _caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=licensing.test", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("licensing.test");
        leafRequest.CertificateExtensions.Add(names.Build());
        _leaf = leafRequest.Create(_ca, now.AddDays(-1), now.AddDays(10), [7, 7, 7]);
    }

    [Fact]
    public void The_system_store_alone_accepts_only_a_certificate_without_errors()
    {
        Assert.True(ServerTrust.SystemStore.IsSystemStore);
        Assert.True(ServerTrust.SystemStore.Accepts(_leaf, null, SslPolicyErrors.None));
        Assert.False(ServerTrust.SystemStore.Accepts(_leaf, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(ServerTrust.SystemStore.Accepts(null, null, SslPolicyErrors.None));
    }

    [Fact]
    public void A_pinned_leaf_key_is_enough_and_any_other_key_is_refused()
    {
        var pinned = ServerTrust.Create([TlsPin.Of(_leaf)], null).Value;
        var other = ServerTrust.Create([TlsPin.Of(_ca)], null).Value;
        const SslPolicyErrors selfSigned = SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch;

        Assert.True(pinned.Accepts(_leaf, null, selfSigned));
        Assert.False(other.Accepts(_leaf, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(pinned.Accepts(_leaf, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public void A_pinned_CA_key_or_a_CA_file_needs_the_host_name_to_match()
    {
        using var chain = ChainOfLeaf();
        var caPin = ServerTrust.Create([TlsPin.Of(_ca)], null).Value;
        var caFile = ServerTrust.Create([], _ca.ExportCertificatePem()).Value;
        var otherCa = ServerTrust.Create([], ServerCertificate.CreateSelfSigned([], TimeProvider.System).Leaf.ExportCertificatePem()).Value;

        Assert.True(caPin.Accepts(_leaf, chain, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(caPin.Accepts(_leaf, chain, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.True(caFile.Accepts(_leaf, chain, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(caFile.Accepts(_leaf, chain, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(otherCa.Accepts(_leaf, chain, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_leaf_forged_under_another_key_in_the_pinned_CA_s_name_is_refused()
    {
        // The attacker knows the CA's certificate (it is public) but not its key: a CA of the same name, a
        // leaf for the right host signed by it, and the real CA certificate sent along as its issuer.
        using var forgerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = TimeProvider.System.GetUtcNow();
        var forgerRequest = new CertificateRequest("CN=Private CA", forgerKey, HashAlgorithmName.SHA256);
        forgerRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var forger = forgerRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=licensing.test", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("licensing.test");
        leafRequest.CertificateExtensions.Add(names.Build());
        using var forged = leafRequest.Create(forger, now.AddDays(-1), now.AddDays(10), [6, 6, 6]);
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.Add(_ca);
        chain.Build(forged);
        Assert.Contains(chain.ChainElements.Skip(1), e => e.Certificate.Thumbprint == _ca.Thumbprint);

        var caPin = ServerTrust.Create([TlsPin.Of(_ca)], null).Value;
        var caFile = ServerTrust.Create([], _ca.ExportCertificatePem()).Value;
        Assert.False(caPin.Accepts(forged, chain, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(caFile.Accepts(forged, chain, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Theory]
    [InlineData("not-a-pin", null)]
    [InlineData(null, "not PEM")]
    public void A_bad_pin_or_CA_file_is_VALIDATION_FAILED(string? pin, string? ca)
    {
        var created = ServerTrust.Create(pin is null ? [] : [pin], ca);

        Assert.Equal("VALIDATION_FAILED", created.Refusal?.Code);
    }

    [Fact]
    public void The_CA_certificates_round_trip_as_PEM_to_be_remembered()
    {
        var trust = ServerTrust.Create(["sha256//" + TlsPin.Of(_leaf)], _ca.ExportCertificatePem()).Value;
        var again = ServerTrust.Create(trust.Pins, trust.AuthoritiesPem()).Value;

        Assert.Equal([TlsPin.Of(_leaf)], again.Pins);
        Assert.Equal([_ca.Thumbprint], again.Authorities.Select(c => c.Thumbprint));
    }

    public void Dispose()
    {
        _leaf.Dispose();
        _ca.Dispose();
        _caKey.Dispose();
    }

    /// <summary>The chain the platform builds for the leaf when the CA is not in the system store (UntrustedRoot).</summary>
    private X509Chain ChainOfLeaf()
    {
        var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.Add(_ca);
        chain.Build(_leaf);
        return chain;
    }
}
