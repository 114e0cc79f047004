using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.KmsHost.Serving;

namespace ProductKeys.Cli.KmsHost;

/// <summary><c>pk kms-host serve|activate|status|report</c> (docs/product.md §4, §9).</summary>
internal static class KmsHostCommands
{
    public static Command Create()
    {
        var command = new Command("kms-host", "Run and manage a KMS host inside your network.");
        // The same options and run as the Native AOT pk-kms-host (scripts/publish-kms-host.sh).
        command.Subcommands.Add(KmsHostServing.Configure(new Command("serve", KmsHostServing.Description), CommandOutput.Refuse));
        command.Subcommands.Add(KmsHostActivateCommand.Create());
        command.Subcommands.Add(KmsHostStatusCommand.Create());
        command.Subcommands.Add(KmsHostReportCommand.Create());
        return command;
    }

    public static Option<string> Data() => new Option<string>("--data") { Description = "The KMS host's data folder (key, ID, certificate, count database).", Required = true }.NotEmpty();
}
