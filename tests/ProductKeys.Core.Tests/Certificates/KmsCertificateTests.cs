using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Certificates;

/// <summary>KMS host and client certificates (docs/formats/kms-certificates-v1.md).</summary>
public sealed class KmsCertificateTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly SigningKey _publisher = SigningKey.Generate();
    private readonly SigningKey _host = SigningKey.Generate();

    [Fact]
    public void A_host_certificate_round_trips_its_fields_in_order()
    {
        var issued = Issue();
        var verified = KmsHostCertificate.Verify(issued.Text, new TrustedKeySet(_publisher.PublicKey), _clock);
        Assert.True(verified.IsSuccess, verified.Refusal?.ToString());
        var c = verified.Value;
        Assert.Equal("kmsh-1", c.HostId);
        Assert.Equal(_host.KeyId, c.HostPublicKey.KeyId);
        Assert.Equal([new KmsProductCoverage("desk", 25), new KmsProductCoverage("srv", 5)], c.Products);
        Assert.Equal("ba-1", c.BillingAccount);
        Assert.Null(c.Expires);
        Assert.Equal(50, c.CountCap);
        Assert.Equal(25, c.ThresholdFor("desk"));
        Assert.Null(c.ThresholdFor("other"));

        var artifact = new ArtifactVerifier(new TrustedKeySet(_publisher.PublicKey), _clock).Verify(issued.Text, ArtifactPurpose.KmsHostCertificate).Value;
        Assert.Equal(["hostId", "hostKeyId", "hostPublicKey", "products", "billingAccount"], artifact.Fields.Select(f => f.Key));
        Assert.Equal("kmsh-1", artifact.BoundTo);
    }

    [Fact]
    public void A_client_certificate_is_valid_180_days_and_bound_to_the_device()
    {
        var host = Issue();
        var client = KmsClientCertificate.Issue(new ArtifactSigner(_host, _clock), host, "a-1", "cmid-1", "srv", "hw1:x", Start);
        var verified = KmsClientCertificate.Verify(client.Text, host.Text, new TrustedKeySet(_publisher.PublicKey), _clock);
        Assert.True(verified.IsSuccess, verified.Refusal?.ToString());
        Assert.Equal(Start.AddDays(180), verified.Value.Expires);
        Assert.Equal("hw1:x", verified.Value.HardwareId);

        _clock.Advance(TimeSpan.FromDays(180) + TimeSpan.FromSeconds(1));
        Assert.Equal("CERTIFICATE_EXPIRED", KmsClientCertificate.Verify(client.Text, host.Text, new TrustedKeySet(_publisher.PublicKey), _clock).Refusal?.Code);
    }

    [Fact]
    public void A_client_certificate_its_host_signed_for_longer_than_180_days_is_refused()
    {
        // The host's key (a file on a customer's machine) signs a device "activated" for ten years: the device must
        // still reach a KMS host within 180 days (docs/product.md §3), whatever the host wrote.
        var host = Issue();
        var signer = new ArtifactSigner(_host, _clock);
        string Signed(TimeSpan validity) => signer.Sign(
            ArtifactPurpose.KmsClientCertificate,
            [new("activationId", "a-1"), new("cmid", "cmid-1"), new("product", "srv"), new("hostId", host.HostId)],
            Start + validity,
            boundTo: "hw1:x").ToText();
        var trust = new TrustedKeySet(_publisher.PublicKey);

        var tenYears = KmsClientCertificate.Verify(Signed(TimeSpan.FromDays(3650)), host.Text, trust, _clock);
        Assert.Equal("SIGNATURE_INVALID", tenYears.Refusal?.Code);
        Assert.Contains("180 days", tenYears.Refusal?.Detail, StringComparison.Ordinal);
        Assert.Equal("SIGNATURE_INVALID", KmsClientCertificate.Verify(Signed(TimeSpan.FromDays(181)), host.Text, trust, _clock).Refusal?.Code);
        Assert.True(KmsClientCertificate.Verify(Signed(KmsClientCertificate.Validity), host.Text, trust, _clock).IsSuccess);
    }

    [Fact]
    public void A_host_certificate_cannot_pass_as_a_client_certificate_or_the_other_way_round()
    {
        var host = Issue();
        var trust = new TrustedKeySet(_publisher.PublicKey);
        Assert.Equal("SIGNATURE_INVALID", KmsClientCertificate.Verify(host.Text, host.Text, trust, _clock).Refusal?.Code);
        var client = KmsClientCertificate.Issue(new ArtifactSigner(_host, _clock), host, "a-1", "cmid-1", "srv", "hw1:x", Start);
        Assert.Equal("SIGNATURE_INVALID", KmsHostCertificate.Verify(client.Text, new TrustedKeySet(_host.PublicKey), _clock).Refusal?.Code);
    }

    [Fact]
    public void Issuing_refuses_what_the_format_cannot_mean()
    {
        var signer = new ArtifactSigner(_publisher, _clock);
        Assert.Throws<ArgumentException>(() => KmsHostCertificate.Issue(signer, "h", _host.PublicKey.ToPem(), [], "ba"));
        Assert.Throws<ArgumentException>(() => KmsHostCertificate.Issue(signer, "h", _host.PublicKey.ToPem(), [new("a", 0)], "ba"));
        Assert.Throws<ArgumentException>(() => KmsHostCertificate.Issue(signer, "h", _host.PublicKey.ToPem(), [new("a", 5), new("a", 5)], "ba"));
        Assert.Throws<FormatException>(() => KmsHostCertificate.Issue(signer, "h", "not a key", [new("a", 5)], "ba"));
        Assert.Throws<ArgumentException>(() => KmsClientCertificate.Issue(new ArtifactSigner(_publisher, _clock), Issue(), "a", "c", "srv", "hw", Start));
    }

    public void Dispose()
    {
        _publisher.Dispose();
        _host.Dispose();
    }

    private KmsHostCertificate Issue() =>
        KmsHostCertificate.Issue(new ArtifactSigner(_publisher, _clock), "kmsh-1", _host.PublicKey.ToPem(), [new("desk", 25), new("srv", 5)], "ba-1");
}
