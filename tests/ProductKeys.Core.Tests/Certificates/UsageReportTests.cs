using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Certificates;

/// <summary>
/// Signed usage reports (docs/formats/usage-report-v1.md, committed vectors in usage-report-v1.json): the chain
/// publisher → pack or host certificate → report verifies; edited reports, reports from uncertified servers and
/// forged certificates are refused.
/// </summary>
public sealed class UsageReportTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "usage-report-v1.json"))).RootElement;

    public static TheoryData<string> InvalidNames => [.. Vectors.GetProperty("invalid").EnumerateArray().Select(v => v.GetProperty("name").GetString()!)];

    [Fact]
    public void The_CAL_server_vector_verifies_and_decodes()
    {
        var report = UsageReport.Verify(Text("report"), Publisher, At(Text("now")));
        Assert.True(report.IsSuccess, report.Refusal?.ToString());
        var r = report.Value;
        Assert.Equal((UsageReport.CalServerSource, "cals-0123456789abcdef", (Guid?)null), (r.Source, r.ServerId, r.BillingAccount));
        Assert.Equal(["7f1c2a4e-0000-4000-8000-0000000000c2"], r.PackIds);
        Assert.Equal(new UsageLine("contoso-server-cal", "PerUser", 200, 500, 600, 100), Assert.Single(r.Lines));
        Assert.Equal(new DateTimeOffset(2026, 3, 31, 18, 0, 0, TimeSpan.Zero), r.IssuedAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero), r.WindowStart);
    }

    [Fact]
    public void The_KMS_host_vector_names_its_billing_account()
    {
        var report = UsageReport.Verify(Text("kmsReport"), Publisher, At(Text("now")));
        Assert.True(report.IsSuccess, report.Refusal?.ToString());
        Assert.Equal((UsageReport.KmsHostSource, "kms-fedcba9876543210", Guid.Parse("5b0e7c1a-0000-4000-8000-0000000000a1")),
            (report.Value.Source, report.Value.ServerId, report.Value.BillingAccount!.Value));
        Assert.Equal(new UsageLine("contoso-os", "Kms", null, 25, 31, 0), Assert.Single(report.Value.Lines));
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void Invalid_vectors_are_refused_with_their_code(string name)
    {
        var v = Vectors.GetProperty("invalid").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        Assert.Equal(v.GetProperty("code").GetString(), UsageReport.Verify(v.GetProperty("report").GetString(), Publisher, At(Text("now"))).Refusal?.Code);
    }

    [Fact]
    public void Another_publisher_or_a_pack_of_another_server_is_refused()
    {
        using var stranger = SigningKey.Generate();
        Assert.Equal("SIGNATURE_INVALID", UsageReport.Verify(Text("report"), new TrustedKeySet(stranger.PublicKey), At(Text("now"))).Refusal?.Code);

        // A real pack certificate of server A attached to a report that claims to be server B.
        using var publisher = SigningKey.Generate();
        using var server = SigningKey.Generate();
        var time = At("2026-04-01T09:00:00Z");
        var pack = CalPackCertificate.Issue(new ArtifactSigner(publisher, time), Guid.NewGuid().ToString(), "p", CalMode.PerUser, 5, 500, "server-a", server.PublicKey.ToPem());
        var claimed = UsageReport.Issue(new ArtifactSigner(server, time), UsageReport.CalServerSource, "server-b", pack.IssuedAt, [new UsageLine("p", "PerUser", 5, 500, 1, 0)], [pack.Text]);
        Assert.Equal("SIGNATURE_INVALID", UsageReport.Verify(claimed, new TrustedKeySet(publisher.PublicKey), time).Refusal?.Code);
        var honest = UsageReport.Issue(new ArtifactSigner(server, time), UsageReport.CalServerSource, "server-a", pack.IssuedAt, [new UsageLine("p", "PerUser", 5, 500, 1, 0)], [pack.Text]);
        Assert.True(UsageReport.Verify(honest, new TrustedKeySet(publisher.PublicKey), time).IsSuccess);
        Assert.Equal("SIGNATURE_INVALID", UsageReport.Verify(pack.Text, new TrustedKeySet(publisher.PublicKey), time).Refusal?.Code);
        Assert.Equal("SIGNATURE_INVALID", UsageReport.Verify("PKA1.not-a-report", new TrustedKeySet(publisher.PublicKey), time).Refusal?.Code);
    }

    private static TrustedKeySet Publisher => TrustedKeySet.FromPem(Text("publicKeyPem"));

    private static string Text(string name) => Vectors.GetProperty(name).GetString()!;

    [Fact]
    public void A_report_issued_ahead_of_the_verifiers_clock_is_CERTIFICATE_EXPIRED_as_the_format_says()
    {
        using var publisher = SigningKey.Generate();
        using var server = SigningKey.Generate();
        var time = At("2026-04-01T09:00:00Z");
        var pack = CalPackCertificate.Issue(new ArtifactSigner(publisher, time), Guid.NewGuid().ToString(), "p", CalMode.PerUser, 5, 500, "server-a", server.PublicKey.ToPem());
        var ahead = At("2026-04-03T09:00:00Z");
        var report = UsageReport.Issue(new ArtifactSigner(server, ahead), UsageReport.CalServerSource, "server-a", pack.IssuedAt, [new UsageLine("p", "PerUser", 5, 500, 1, 0)], [pack.Text]);

        Assert.Equal("CERTIFICATE_EXPIRED", UsageReport.Verify(report, new TrustedKeySet(publisher.PublicKey), time).Refusal?.Code);
        Assert.True(UsageReport.Verify(report, new TrustedKeySet(publisher.PublicKey), ahead).IsSuccess);
    }

    [Theory]
    [InlineData("p\u202Eexe.q", "PerUser")]
    [InlineData("p\u001b[2J", "PerUser")]
    [InlineData("q", "PerUser")]
    [InlineData("p,q", "PerUser")]
    [InlineData("p,", "PerUser")]
    [InlineData("p", "PerDevice")]
    [InlineData("p", "Kms")]
    [InlineData("p", "PerUser\u202E")]
    public void A_line_naming_a_product_or_mode_the_certificates_do_not_cover_is_refused(string product, string mode)
    {
        // The server's key is the customer's: a report signed by hand carries whatever lines they write.
        using var publisher = SigningKey.Generate();
        using var server = SigningKey.Generate();
        var time = At("2026-04-01T09:00:00Z");
        var pack = CalPackCertificate.Issue(new ArtifactSigner(publisher, time), Guid.NewGuid().ToString(), "p", CalMode.PerUser, 5, 500, "server-a", server.PublicKey.ToPem());
        var other = CalPackCertificate.Issue(new ArtifactSigner(publisher, time), Guid.NewGuid().ToString(), "r", CalMode.PerUser, 5, 500, "server-a", server.PublicKey.ToPem());
        var report = UsageReport.Issue(new ArtifactSigner(server, time), UsageReport.CalServerSource, "server-a", pack.IssuedAt,
            [new UsageLine("p,r", "PerUser", 10, 1000, 1, 0), new UsageLine(product, mode, 5, 500, 1, 0)], [pack.Text, other.Text]);

        var refused = UsageReport.Verify(report, new TrustedKeySet(publisher.PublicKey), time);
        Assert.Equal("SIGNATURE_INVALID", refused.Refusal?.Code);
        Assert.Contains("Line 2 ", refused.Refusal!.Detail, StringComparison.Ordinal);
        var honest = UsageReport.Issue(new ArtifactSigner(server, time), UsageReport.CalServerSource, "server-a", pack.IssuedAt,
            [new UsageLine("p,r", "PerUser", 10, 1000, 1, 0)], [pack.Text, other.Text]);
        Assert.True(UsageReport.Verify(honest, new TrustedKeySet(publisher.PublicKey), time).IsSuccess);
    }

    [Fact]
    public void A_KMS_host_line_naming_a_product_its_certificate_does_not_cover_is_refused()
    {
        using var publisher = SigningKey.Generate();
        using var host = SigningKey.Generate();
        var time = At("2026-04-01T09:00:00Z");
        var certificate = KmsHostCertificate.Issue(new ArtifactSigner(publisher, time), "kms-a", host.PublicKey.ToPem(), [new KmsProductCoverage("contoso-os", 25)],
            Guid.NewGuid().ToString(), DateTimeOffset.Parse("2027-04-01T09:00:00Z", CultureInfo.InvariantCulture));
        string Report(string product, string mode) => UsageReport.Issue(new ArtifactSigner(host, time), UsageReport.KmsHostSource, "kms-a", time.GetUtcNow().AddDays(-30),
            [new UsageLine(product, mode, null, 25, 31, 0)], [certificate.Text]);

        Assert.True(UsageReport.Verify(Report("contoso-os", "Kms"), new TrustedKeySet(publisher.PublicKey), time).IsSuccess);
        Assert.Equal("SIGNATURE_INVALID", UsageReport.Verify(Report("contoso-office", "Kms"), new TrustedKeySet(publisher.PublicKey), time).Refusal?.Code);
        Assert.Equal("SIGNATURE_INVALID", UsageReport.Verify(Report("contoso-os", "PerUser"), new TrustedKeySet(publisher.PublicKey), time).Refusal?.Code);
    }

    private static FakeTimeProvider At(string time) => new(DateTimeOffset.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
}
