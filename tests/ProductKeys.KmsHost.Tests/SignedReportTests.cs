using ProductKeys.Core.Certificates;
using ProductKeys.KmsHost.Status;

namespace ProductKeys.KmsHost.Tests;

/// <summary><c>pk kms-host report --signed</c>: what the licensing service is told (docs/formats/usage-report-v1.md).</summary>
public sealed class SignedReportTests
{
    [Fact]
    public async Task The_signed_report_tells_every_client_in_the_window_not_the_count_capped_for_answers()
    {
        using var host = new HostFixture(billingAccount: Guid.NewGuid().ToString());
        for (var device = 1; device <= 60; device++)
        {
            Assert.True((await host.Activation.HandleAsync(host.Request(device))).IsSuccess);
        }

        var signed = SignedKmsReport.Sign(host.Folder.Path, host.Clock);
        Assert.True(signed.IsSuccess, signed.Refusal?.ToString());
        var report = UsageReport.Verify(signed.Value, host.PublisherKeys, host.Clock);
        Assert.True(report.IsSuccess, report.Refusal?.ToString());
        var desktop = Assert.Single(report.Value.Lines, l => l.Product == HostFixture.Desktop);
        Assert.Equal((25, 60), (desktop.Installed, desktop.Used));

        // Answers and status keep the cap (docs/product.md §4): twice the highest threshold; status as text tells both.
        var status = KmsStatusReader.Read(host.Folder.Path, host.Clock);
        Assert.Equal(50, status.Products.Single(p => p.Product == HostFixture.Desktop).Count);
        Assert.Contains($"{HostFixture.Desktop}: count 50 / threshold 25 (activating); 60 distinct clients in 30 days", status.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_as_text_names_the_distinct_clients_only_when_the_count_stopped_below_them()
    {
        using var host = new HostFixture();
        for (var device = 1; device <= 30; device++)
        {
            Assert.True((await host.Activation.HandleAsync(host.Request(device))).IsSuccess);
        }

        var text = KmsStatusReader.Read(host.Folder.Path, host.Clock).ToText();
        Assert.Contains($"{HostFixture.Desktop}: count 30 / threshold 25 (activating)\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("distinct clients", text, StringComparison.Ordinal);
    }
}
