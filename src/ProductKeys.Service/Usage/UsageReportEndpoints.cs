using System.Data.Common;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using ProductKeys.AdminApi.Usage;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Accounts;
using ProductKeys.Data.Usage;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Activations;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Errors;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Usage;

/// <summary>
/// Signed usage reports of CAL servers and KMS hosts (docs/product.md §5): uploaded by the customer, verified
/// with the publisher's own keys (publisher → pack or host certificate → report), stored against the
/// billing account of the pack's or host key's order, shown as the latest per server.
/// </summary>
internal static class UsageReportEndpoints
{
    public static RouteGroupBuilder MapUsageReports(this RouteGroupBuilder api)
    {
        api.MapPost("/usage-reports", UploadAsync).WithTags(ApiTags.Usage)
            .Describe("UploadUsageReport", "Store a signed usage report of a CAL server or KMS host after verifying its chain (the key rule of its billing account applies).")
            .Refuses(ErrorCatalogue.ValidationFailed, ErrorCatalogue.SignatureInvalid, ErrorCatalogue.CertificateExpired, ErrorCatalogue.Conflict,
                ErrorCatalogue.NotFound, ErrorCatalogue.ForbiddenNotBillingAdmin, ErrorCatalogue.ForbiddenNotAccountOwnerOrContributor);
        api.MapGet("/billing-accounts/{id:guid}/usage-reports", ListAsync).WithTags(ApiTags.Usage)
            .Describe("ListUsageReports", "The latest usage report of every CAL server and KMS host of a billing account: purchased, installed, used (key viewers and publisher staff).")
            .Refuses(ErrorCatalogue.NotFound, ErrorCatalogue.ForbiddenNotBillingAdmin, ErrorCatalogue.ForbiddenNotAccountOwnerOrContributor);
        return api;
    }

    /// <summary>Key viewers of the account, or publisher staff.</summary>
    private static Refusal? MayViewUsage(ClaimsPrincipal user, AccountRole? role) =>
        AccessRules.IsPublisherStaff(user) ? null : AccessRules.MayViewKeys(user, role);

    private static async Task<Results<Ok<UsageReportResponse>, ProblemHttpResult>> UploadAsync(
        UsageReportUpload? upload, ClaimsPrincipal user, LicensingDbContext db, PublisherSigning signing, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        if (upload?.Report is not { Length: > 0 } text)
        {
            return ApiProblems.Validation("report is required: the file 'pk cal-server report --signed' or 'pk kms-host report --signed' wrote.");
        }

        var verified = UsageReport.Verify(text, signing.PublicKeys, time);
        if (!verified.IsSuccess)
        {
            return ApiProblems.From(verified.Refusal);
        }

        var report = verified.Value;
        var account = await BillingAccountOfAsync(db, report, ct);
        if (!account.IsSuccess)
        {
            return ApiProblems.From(account.Refusal);
        }

        var access = await AccountAccess.FindAsync(db, user, account.Value, role => MayViewUsage(user, role), ct);
        if (!access.IsSuccess)
        {
            return ApiProblems.From(access.Refusal);
        }

        if (await db.UsageReports.AsNoTracking().AnyAsync(r => r.Id == report.ReportId, ct))
        {
            return ApiProblems.From(ErrorCatalogue.Conflict, $"Usage report {report.ReportId} was uploaded before: each report is stored once.");
        }

        // Compared here, not in SQL: SQLite cannot order DateTimeOffset; a server has few reports. Within the account only:
        // a server ID is the server's own choice, and another customer's server of the same ID must neither block nor reveal ours.
        var earlier = await db.UsageReports.AsNoTracking().Where(r => r.ServerId == report.ServerId && r.BillingAccountId == account.Value)
            .Select(r => r.IssuedAt).ToListAsync(ct);
        if (earlier.Count > 0 && earlier.Max() >= report.IssuedAt)
        {
            return ApiProblems.From(ErrorCatalogue.Conflict,
                $"Server '{report.ServerId}' uploaded a report signed at {earlier.Max():O}; this one ({report.IssuedAt:O}) is not newer: write a new report.");
        }

        var row = new StoredUsageReport
        {
            Id = report.ReportId,
            Source = report.Source,
            ServerId = report.ServerId,
            BillingAccountId = account.Value,
            IssuedAt = report.IssuedAt,
            WindowStart = report.WindowStart,
            UploadedAt = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds()),
            UploadedBy = user.UserName(),
            Lines = JsonSerializer.Serialize(report.Lines.Select(ToWire).ToList(), Wire.ListUsageLineResponse),
            Text = report.Text,
        };
        db.UsageReports.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is DbException d && UniqueViolation.Is(d))
        {
            return ApiProblems.From(ErrorCatalogue.Conflict, $"Usage report {report.ReportId} was uploaded before: each report is stored once.");
        }

        await audit.RecordAsync(user.UserName(), "usage-report.uploaded", $"billing-account:{account.Value}",
            $"{report.Source} {report.ServerId}, report {report.ReportId}", ct);
        return TypedResults.Ok(ToResponse(row));
    }

    private static async Task<Results<Ok<List<UsageReportResponse>>, ProblemHttpResult>> ListAsync(
        Guid id, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, id, role => MayViewUsage(user, role), ct);
        if (!access.IsSuccess)
        {
            return ApiProblems.From(access.Refusal);
        }

        var rows = await db.UsageReports.AsNoTracking().Where(r => r.BillingAccountId == id).ToListAsync(ct);
        var latest = rows.GroupBy(r => r.ServerId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(r => r.IssuedAt)!)
            .OrderBy(r => r.Source, StringComparer.Ordinal).ThenBy(r => r.ServerId, StringComparer.Ordinal)
            .Select(ToResponse).ToList();
        return TypedResults.Ok(latest);
    }

    /// <summary>A KMS host's certificate names its account; a CAL pack is an order's key package.</summary>
    private static async Task<Outcome<Guid>> BillingAccountOfAsync(LicensingDbContext db, UsageReport report, CancellationToken ct)
    {
        if (report.BillingAccount is { } hostAccount)
        {
            return await db.BillingAccounts.AsNoTracking().AnyAsync(a => a.Id == hostAccount, ct)
                ? hostAccount
                : new Refusal(ErrorCatalogue.NotFound, $"The host certificate names billing account {hostAccount}, which this service does not hold.");
        }

        var packs = report.PackIds.Select(p => Guid.TryParse(p, out var g) ? g : Guid.Empty).ToList();
        var accounts = await db.KeyPackages.AsNoTracking().Where(p => packs.Contains(p.Id))
            .Join(db.Orders, p => p.OrderId, o => o.Id, (p, o) => o.BillingAccountId).Distinct().ToListAsync(ct);
        return accounts.Count == 1 && packs.Distinct().Count() == await db.KeyPackages.AsNoTracking().CountAsync(p => packs.Contains(p.Id), ct)
            ? accounts[0]
            : new Refusal(ErrorCatalogue.NotFound, "The report's CAL packs are not orders of one billing account this service holds.");
    }

    private static UsageLineResponse ToWire(UsageLine l) => new(l.Product, l.Mode, l.Purchased, l.Installed, l.Used, l.OverUsed);

    private static UsageReportResponse ToResponse(StoredUsageReport r) => new(
        r.Id, r.Source, r.ServerId, r.BillingAccountId, r.IssuedAt, r.WindowStart, r.UploadedAt, r.UploadedBy,
        JsonSerializer.Deserialize(r.Lines, Wire.ListUsageLineResponse) ?? []);

    private static ProductKeys.AdminApi.AdminApiJsonContext Wire => ProductKeys.AdminApi.AdminApiJsonContext.Default;
}
