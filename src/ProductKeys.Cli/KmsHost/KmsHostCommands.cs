using System.CommandLine;

namespace ProductKeys.Cli.KmsHost;

/// <summary><c>pk kms-host serve|activate|status</c> (SPEC §4, §9).</summary>
internal static class KmsHostCommands
{
    public static Command Create()
    {
        var command = new Command("kms-host", "Run and manage a KMS host inside your network.");
        command.Subcommands.Add(KmsHostServeCommand.Create());
        command.Subcommands.Add(KmsHostActivateCommand.Create());
        command.Subcommands.Add(KmsHostStatusCommand.Create());
        return command;
    }

    public static Option<string> Data() => new("--data") { Description = "The KMS host's data folder (key, ID, certificate, count database).", Required = true };
}
