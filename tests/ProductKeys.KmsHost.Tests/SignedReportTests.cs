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

        // Answers and status keep the cap (docs/product.md §4): twice the highest threshold.
        Assert.Equal(50, KmsStatusReader.Read(host.Folder.Path, host.Clock).Products.Single(p => p.Product == HostFixture.Desktop).Count);
    }
}
