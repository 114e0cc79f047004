using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.KmsHost.Status;

namespace ProductKeys.Cli.KmsHost;

/// <summary><c>pk kms-host status --data DIR [--json]</c>.</summary>
internal static class KmsHostStatusCommand
{
    public static Command Create()
    {
        var data = KmsHostCommands.Data();
        var command = new Command("status", "Activation state, count per product, requests and warnings of a KMS host.") { data };
        command.SetAction(parseResult =>
        {
            // Status only reads: a mistyped or foreign folder is named (STORE_INVALID), not shown as a host not yet activated.
            var report = KmsStatusReader.ReadExisting(parseResult.GetValue(data)!, TimeProvider.System);
            return report.IsSuccess ? CommandOutput.Print(parseResult, report.Value, r => r.ToText()) : CommandOutput.Refuse(parseResult, report.Refusal);
        });
        return command;
    }
}
