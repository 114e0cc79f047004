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
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the signed report (- for standard output).", Required = true };
        var command = new Command("report", "Write a signed usage report: the count per product in the 30-day window, for 'pk usage upload'.") { data, signed, output };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!parseResult.GetValue(signed))
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed,
                    "pk kms-host report writes signed reports only: add --signed ('pk kms-host status' shows the counts)."));
            }

            var path = CommandOutput.PathOf(parseResult.GetValue(output)!);
            if ((CommandOutput.StandardOutputTaken(parseResult, path, "--out") ?? OutputFile.Check(path, "--out")) is { } unwritable)
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
                await OutputFile.WriteAllTextAsync(path, report.Value + "\n", cancellationToken);
            }
            catch (Exception e) when (OutputFile.IsWriteFailure(e))
            {
                return CommandOutput.Refuse(parseResult, OutputFile.Unwritable(path, "--out", e));
            }
            var result = new { signed = true, file = path };
            return CommandOutput.PrintWritten(parseResult, path, result, r => $"Wrote a signed usage report to {Where(r.file)}: upload it with 'pk usage upload'.");
        });
        return command;
    }

    private static string Where(string path) => OutputFile.IsStandardOutput(path) ? "standard output" : path;
}
