using System.CommandLine;
using System.Globalization;
using System.Text;
using ProductKeys.AdminApi;
using ProductKeys.AdminApi.Usage;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk usage upload|list</c>: signed usage reports of CAL servers and KMS hosts (docs/product.md §5).</summary>
internal static class UsageCommands
{
    public static void AddTo(RootCommand root)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The report 'pk cal-server report --signed' or 'pk kms-host report --signed' wrote." };
        var upload = new Command("upload", "Upload a signed usage report; the service verifies its chain and stores it with its billing account.") { file };
        AdminAction.Set(upload, async (parseResult, client, ct) =>
        {
            var report = ReadReport(parseResult.GetValue(file)!);
            if (!report.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, report.Refusal);
            }

            var answer = await client.PostAsync("api/v1/usage-reports", new UsageReportUpload(report.Value),
                AdminApiJsonContext.Default.UsageReportUpload, AdminApiJsonContext.Default.UsageReportResponse, ct);
            return AdminAction.Print(parseResult, answer, r =>
                $"Stored usage report {r.ReportId} of {r.Source} {r.ServerId} for billing account {r.BillingAccountId}.\n{Table([r])}");
        },
        // The file first: a missing or empty report is named before anyone is asked to sign in.
        parseResult => ReadReport(parseResult.GetValue(file)!) is { IsSuccess: false } unusable ? unusable.Refusal : null);

        var list = new Command("list", "The latest usage report of every CAL server and KMS host of a billing account: purchased, installed, used.") { AdminOptions.Account };
        AdminAction.Set(list, async (parseResult, client, ct) =>
        {
            var account = await AdminAction.AccountAsync(parseResult, client, ct);
            if (!account.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, account.Refusal);
            }

            var answer = await client.GetAsync($"api/v1/billing-accounts/{account.Value}/usage-reports", AdminApiJsonContext.Default.ListUsageReportResponse, ct);
            return AdminAction.Print(parseResult, answer, reports => reports.Count == 0 ? "No usage report uploaded yet ('pk usage upload')." : Table(reports));
        });

        var usage = AdminOptions.Group("usage", "Signed usage reports of CAL servers and KMS hosts.");
        usage.Subcommands.Add(upload);
        usage.Subcommands.Add(list);
        root.Subcommands.Add(usage);
    }

    private const string WrittenBy = "the report file 'pk cal-server report --signed --out FILE' or 'pk kms-host report --signed --out FILE' wrote";

    private static string Table(IEnumerable<UsageReportResponse> reports)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{"SERVER",-36}  {"SIGNED (UTC)",-16}  {"PRODUCT",-28}  {"MODE",-9}  {"PURCHASED",9}  {"INSTALLED",9}  {"USED",7}  {"OVER-USED",9}\n");
        foreach (var r in reports)
        {
            foreach (var l in r.Lines)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"{r.ServerId,-36}  {r.IssuedAt.UtcDateTime,-16:yyyy-MM-dd HH:mm}  {l.Product,-28}  {l.Mode,-9}  {l.Purchased?.ToString(CultureInfo.InvariantCulture) ?? "-",9}  {l.Installed?.ToString(CultureInfo.InvariantCulture) ?? "-",9}  {l.Used,7}  {l.OverUsed,9}\n");
            }
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>The signed report's text, or why FILE is not one (missing, unreadable, too large, empty).</summary>
    private static Outcome<string> ReadReport(FileInfo path)
    {
        // A signed report is a few KB; a file past the service's body limit is not one (and the
        // service would close the connection mid-upload, which reads as unreachable).
        if (path.Exists && path.Length > ApiLimits.MaxRequestBodyBytes)
        {
            return new Refusal(ErrorCatalogue.PayloadTooLarge,
                $"{path.FullName} has {path.Length} bytes; the service takes at most {ApiLimits.MaxRequestBodyBytes}: is it {WrittenBy}?");
        }

        var read = InputFile.Read(path, ErrorCatalogue.ValidationFailed, "FILE");
        if (!read.IsSuccess)
        {
            return read.Refusal;
        }

        var text = read.Value.Trim();
        if (text.Length == 0)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"FILE: {path.FullName} is empty; give {WrittenBy}.");
        }

        return text;
    }
}
