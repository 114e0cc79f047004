using ProductKeys.CalServer.Data;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Signing;

namespace ProductKeys.CalServer.Reports;

/// <summary>
/// <c>pk cal-server report --signed</c> (docs/product.md §5; docs/formats/usage-report-v1.md): the report's mode rows
/// signed by the CAL server's certified key, carrying its pack certificates.
/// </summary>
public static class SignedCalReport
{
    /// <summary>Signs the report; one line per mode (per user: used = issued + over-used; per device: temporary + permanent).</summary>
    /// <param name="identity">The CAL server's ID and key.</param>
    /// <param name="packs">Its installed pack certificates (at least one).</param>
    /// <param name="report">The report to sign.</param>
    /// <param name="time">The clock of the signature.</param>
    /// <returns>The usage report, text form.</returns>
    public static string Sign(CalServerIdentity identity, IReadOnlyList<CalPackCertificate> packs, CalReport report, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(packs);
        ArgumentNullException.ThrowIfNull(report);
        var lines = report.Modes.Select(m => new UsageLine(
            string.Join(',', report.Packs.Where(p => p.Mode == m.Mode).Select(p => p.Product).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            m.Mode, m.Purchased, m.Installed, m.Mode == nameof(Core.Cal.CalMode.PerUser) ? m.Issued + m.OverUsed : m.Temporary + m.Permanent, m.OverUsed)).ToList();
        var windowStart = packs.Min(p => p.IssuedAt);
        return UsageReport.Issue(new ArtifactSigner(identity.Key, time), UsageReport.CalServerSource, identity.ServerId, windowStart, lines, [.. packs.Select(p => p.Text)]);
    }
}
