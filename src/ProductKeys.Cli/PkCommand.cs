using System.CommandLine;
using ProductKeys.Cli.Admin;
using ProductKeys.Cli.CalServer;
using ProductKeys.Cli.Device;
using ProductKeys.Cli.Keys;
using ProductKeys.Cli.KmsHost;
using ProductKeys.Cli.Output;
using ProductKeys.Cli.Server;

namespace ProductKeys.Cli;

/// <summary>The root of <c>pk</c>: one line per feature, like a table of contents.</summary>
internal static class PkCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("pk — ProductKeys volume licensing and activation: devices, KMS hosts, CAL servers and the licensing service.");
        root.Options.Add(CommonOptions.Json);
        root.Options.Add(CommonOptions.Field);
        root.Options.Add(CommonOptions.Where);
        var keyGroup = KeyCommands.AddTo(root);
        DeviceCommands.AddTo(root, keyGroup, OfflineActivateCommand.Create());
        ServerCommands.AddTo(root);
        DbCommands.AddTo(root);
        LoginCommand.AddTo(root);
        OrganizationCommands.AddTo(root);
        UserAdminCommands.AddTo(root);
        AccountCommands.AddTo(root);
        RoleCommands.AddTo(root);
        ProductCommands.AddTo(root);
        OrderCommands.AddTo(root);
        AdminKeyCommands.AddTo(root);
        MakCommands.AddTo(root);
        AuditCommands.AddTo(root);
        UsageCommands.AddTo(root);
        var publisherKeys = PublisherKeysCommand.Create();
        PublisherKeyRotationCommands.AddTo(publisherKeys);
        root.Subcommands.Add(publisherKeys);
        KeyGroupCommands.AddTo(root);
        root.Subcommands.Add(KmsHostCommands.Create());
        root.Subcommands.Add(CalServerCommands.Create());
        root.Subcommands.Add(CalRequestCommand.Create());
        return root;
    }
}
