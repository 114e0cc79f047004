using System.CommandLine;
using ProductKeys.Cli.Device;
using ProductKeys.Cli.Keys;
using ProductKeys.Cli.KmsHost;
using ProductKeys.Cli.Output;

namespace ProductKeys.Cli;

/// <summary>The root of <c>pk</c>: one line per feature, like a table of contents.</summary>
internal static class PkCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("pk — ProductKeys volume licensing and activation: devices, KMS hosts, CAL servers and the licensing service.");
        root.Options.Add(CommonOptions.Json);
        var keyGroup = KeyCommands.AddTo(root);
        DeviceCommands.AddTo(root, keyGroup);
        root.Subcommands.Add(KmsHostCommands.Create());
        return root;
    }
}
