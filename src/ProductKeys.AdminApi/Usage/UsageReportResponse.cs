namespace ProductKeys.AdminApi.Usage;

/// <summary>A stored usage report: what one CAL server or KMS host said it holds (docs/product.md §5).</summary>
/// <param name="ReportId">The report's own ID.</param>
/// <param name="Source"><c>cal-server</c> or <c>kms-host</c>.</param>
/// <param name="ServerId">The server's ID.</param>
/// <param name="BillingAccountId">The billing account of the pack's or host key's order.</param>
/// <param name="IssuedAt">When the server signed it.</param>
/// <param name="WindowStart">The start of the period its counts cover.</param>
/// <param name="UploadedAt">When it was uploaded.</param>
/// <param name="UploadedBy">Who uploaded it.</param>
/// <param name="Lines">Purchased, installed and used per product and mode.</param>
public sealed record UsageReportResponse(
    Guid ReportId, string Source, string ServerId, Guid BillingAccountId, DateTimeOffset IssuedAt, DateTimeOffset WindowStart,
    DateTimeOffset UploadedAt, string UploadedBy, List<UsageLineResponse> Lines);

/// <summary>One line of a usage report.</summary>
/// <param name="Product">The product id.</param>
/// <param name="Mode"><c>PerUser</c>, <c>PerDevice</c> or <c>Kms</c>.</param>
/// <param name="Purchased">CALs bought (null for a KMS host).</param>
/// <param name="Installed">CALs installed (a KMS host: the threshold).</param>
/// <param name="Used">CALs held (a KMS host: the count in the window).</param>
/// <param name="OverUsed">Per-user CALs from the over-used pool.</param>
public sealed record UsageLineResponse(string Product, string Mode, long? Purchased, long? Installed, long Used, long OverUsed);
