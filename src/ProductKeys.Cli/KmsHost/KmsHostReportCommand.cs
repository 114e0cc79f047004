using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.KmsHost.Status;

namespace ProductKeys.Cli.KmsHost;

/// <summary><c>pk kms-host report --data DIR --signed --out FILE</c>: a signed usage report for 'pk usage upload'.</summary>
internal static class KmsHostReportCommand
{
    public static Command Create()
    {
        var data = KmsHostCommands.Data();
        var signed = new Option<bool>("--signed") { Description = "Sign the report with the host's certified key (required: 'pk kms-host status' shows the counts)." };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the signed report.", Required = true };
        var command = new Command("report", "Write a signed usage report: the count per product in the 30-day window, for 'pk usage upload'.") { data, signed, output };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!parseResult.GetValue(signed))
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed,
                    "pk kms-host report writes signed reports only: add --signed ('pk kms-host status' shows the counts)."));
            }

            var file = parseResult.GetValue(output)!;
            if (OutputFile.Check(file.FullName, "--out") is { } unwritable)
            {
                return CommandOutput.Refuse(parseResult, unwritable);
            }

            var report = SignedKmsReport.Sign(parseResult.GetValue(data)!, TimeProvider.System);
            if (!report.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, report.Refusal);
            }

            try
            {
                await OutputFile.WriteAllTextAsync(file.FullName, report.Value + "\n", cancellationToken);
            }
            catch (Exception e) when (OutputFile.IsWriteFailure(e))
            {
                return CommandOutput.Refuse(parseResult, OutputFile.Unwritable(file.FullName, "--out", e));
            }
            var result = new { signed = true, file = file.FullName };
            return CommandOutput.Print(parseResult, result, r => $"Wrote a signed usage report to {r.file}: upload it with 'pk usage upload'.");
        });
        return command;
    }
}
