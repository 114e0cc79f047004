namespace ProductKeys.AdminApi.Usage;

/// <summary>A signed usage report to store (<c>POST /api/v1/usage-reports</c>): the file <c>pk cal-server report --signed</c> or <c>pk kms-host report --signed</c> wrote.</summary>
/// <param name="Report">The report, text form (<c>PKA1.</c>…).</param>
public sealed record UsageReportUpload(string? Report);
