using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Client.Activation;
using ProductKeys.Client.Licensing;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Device;

/// <summary>
/// The device commands of docs/product.md §9, each under its long form and the short verb volume-activation
/// admins know: ipk, ato, dli, dlv, xpr, upk, rearm, skms, ckms.
/// </summary>
internal static class DeviceCommands
{
    /// <summary>
    /// Adds the device verbs to <paramref name="root"/>. pk passes its <c>key</c> group and its proxy
    /// <c>offline activate</c> to get the long forms too (key install, activate, status, expiry, offline,
    /// kms) with the verbs as aliases or siblings; pk-device passes neither and gets the verbs alone.
    /// </summary>
    public static void AddTo(RootCommand root, Command? keyGroup = null, Command? offlineActivate = null)
    {
        var longForms = keyGroup is not null;
        keyGroup?.Subcommands.Add(Install("install"));
        keyGroup?.Subcommands.Add(Uninstall("uninstall"));
        root.Subcommands.Add(Install("ipk"));
        root.Subcommands.Add(Uninstall("upk"));
        root.Subcommands.Add(longForms ? Activate("activate", "ato") : Activate("ato", null));
        root.Subcommands.Add(longForms ? Status("status", "dli", verbose: false) : Status("dli", null, verbose: false));
        root.Subcommands.Add(Status("dlv", null, verbose: true));
        root.Subcommands.Add(longForms ? Expiry("expiry", "xpr") : Expiry("xpr", null));
        root.Subcommands.Add(Rearm());
        if (longForms)
        {
            root.Subcommands.Add(OfflineCommands.Create(offlineActivate));
        }

        root.Subcommands.Add(OfflineCommands.Request("dti"));
        root.Subcommands.Add(OfflineCommands.Apply("atp"));
        if (longForms)
        {
            root.Subcommands.Add(KmsPinCommands.Create());
        }

        root.Subcommands.Add(KmsPinCommands.Set("skms"));
        root.Subcommands.Add(KmsPinCommands.Clear("ckms"));
        root.Subcommands.Add(TrustCommands.Create());
        root.Subcommands.Add(RenewCommand.Create());
        root.Subcommands.Add(AgentCommand.Create());
    }

    private static Command Install(string name)
    {
        var options = new DeviceOptions();
        var key = new Argument<string>("KEY") { Description = "The product key." };
        var command = new Command(name, "Install a product key on this device (checked offline; starts the 30-day grace).") { key };
        options.AddTo(command);
        command.SetAction(parseResult =>
        {
            // The key first: a key that is refused must not leave --service, --trust or --device-id saved.
            if (DeviceLicense.ParseInstallableKey(parseResult.GetValue(key)!) is { IsSuccess: false } refused)
            {
                return CommandOutput.Refuse(parseResult, refused.Refusal);
            }

            return Run(parseResult, options, verbose: false,
                license => license.InstallKey(parseResult.GetValue(key)!, parseResult.GetValue(options.Product)));
        });
        return command;
    }

    private static Command Uninstall(string name)
    {
        var options = new DeviceOptions();
        var command = new Command(name, "Remove the product key and its activation from this device.");
        options.AddTo(command);
        command.SetAction(parseResult => Run(parseResult, options, verbose: false, license => license.UninstallKey()));
        return command;
    }

    private static Command Activate(string name, string? alias)
    {
        var options = new DeviceOptions();
        var kms = new KmsClientOptions();
        var command = new Command(name, "Activate the installed key: online (MAK), or through a KMS host (KMS client setup key).");
        AddAlias(command, alias);
        options.AddTo(command);
        kms.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var opened = DeviceSession.Open(parseResult, options);
            if (!opened.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, opened.Refusal);
            }

            var client = DeviceSession.Http(parseResult, options.Tls, opened.Value);
            if (!client.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, client.Refusal);
            }

            using var http = client.Value;
            var kmsSettings = kms.Settings(parseResult, opened.Value, http);
            if (!kmsSettings.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, kmsSettings.Refusal);
            }

            // Pinning on first contact only when asked for (ADR 0019); the key ids are the fingerprints.
            Action<IReadOnlyList<string>>? pin = parseResult.GetValue(options.TrustOnFirstUse)
                ? keyIds => Console.Error.WriteLine($"Trust on first use: pinned the publisher keys the service published, fingerprints {string.Join(", ", keyIds)} (compare them with the publisher's).")
                : null;
            var activated = await OnlineActivation.ActivateAsync(opened.Value, new LicensingServiceClient(http), kmsSettings.Value, pin, cancellationToken);
            return Print(parseResult, opened.Value, activated, verbose: false);
        });
        return command;
    }

    private static Command Status(string name, string? alias, bool verbose)
    {
        var options = new DeviceOptions();
        var verboseOption = new Option<bool>("--verbose") { Description = "Also show hardware ID, activation ID, grace left, rearms, service." };
        var command = new Command(name, verbose ? "Detailed license information (dli --verbose)." : "License information: state, partial key, expiry.");
        AddAlias(command, alias);
        if (!verbose)
        {
            command.Options.Add(verboseOption);
        }

        options.AddTo(command);
        command.SetAction(parseResult => Run(parseResult, options, verbose || parseResult.GetValue(verboseOption), license => license.Status()));
        return command;
    }

    private static Command Expiry(string name, string? alias)
    {
        var options = new DeviceOptions();
        var command = new Command(name, "When the activation or grace period ends.");
        AddAlias(command, alias);
        options.AddTo(command);
        command.SetAction(parseResult =>
        {
            var opened = DeviceSession.Open(parseResult, options);
            if (!opened.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, opened.Refusal);
            }

            var status = opened.Value.Status();
            if (!status.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, status.Refusal);
            }

            var s = status.Value.Status;
            var result = new ExpiryView(s.State.ToString(), s.State == LicenseState.Licensed && s.Expires is null, s.Expires, s.GraceEnds);
            return CommandOutput.Print(parseResult, result, CliJsonContext.Output.ExpiryView, r => (s.State, s.Expires, s.GraceEnds) switch
            {
                (LicenseState.Licensed, null, _) => "The product is permanently activated.",
                (LicenseState.Licensed, { } e, _) => $"The activation expires {e:yyyy-MM-dd HH:mm} UTC unless renewed.",
                (_, _, { } g) => $"{s.State}: grace ends {g:yyyy-MM-dd HH:mm} UTC.",
                _ => s.Message,
            });
        });
        return command;
    }

    private static Command Rearm()
    {
        var options = new DeviceOptions();
        var command = new Command("rearm", "Reset the grace timers (3 times for MAK and setup keys, unlimited for KMS clients).");
        options.AddTo(command);
        command.SetAction(parseResult => Run(parseResult, options, verbose: false, license => license.Rearm()));
        return command;
    }

    // nextStep: the next step to print instead of the state's, given the store's folder (dti); null: the state's.
    /// <param name="parseResult">The command line.</param>
    /// <param name="options">The device options.</param>
    /// <param name="verbose">Whether the status is printed in full.</param>
    /// <param name="action">What the command does.</param>
    /// <param name="nextStep">What the status says to do next.</param>
    /// <param name="wroteStandardOutput">The command wrote its file to standard output (<c>-</c>): the status goes to stderr.</param>
    internal static int Run(ParseResult parseResult, DeviceOptions options, bool verbose, Func<DeviceLicense, Outcome<DeviceLicenseReport>> action,
        Func<string, string>? nextStep = null, bool wroteStandardOutput = false)
    {
        var opened = DeviceSession.Open(parseResult, options);
        return opened.IsSuccess
            ? Print(parseResult, opened.Value, action(opened.Value), verbose, nextStep, wroteStandardOutput)
            : CommandOutput.Refuse(parseResult, opened.Refusal);
    }

    private static int Print(ParseResult parseResult, DeviceLicense license, Outcome<DeviceLicenseReport> report, bool verbose,
        Func<string, string>? nextStep = null, bool wroteStandardOutput = false)
    {
        if (!report.IsSuccess)
        {
            return CommandOutput.Refuse(parseResult, report.Refusal);
        }

        var view = StatusView.From(report.Value, license.Store.Directory, TimeProvider.System.GetUtcNow());
        if (wroteStandardOutput)
        {
            Console.Error.WriteLine(TerminalText.Safe(view.ToText(verbose, nextStep?.Invoke(view.Store)), keepLineBreaks: true));
            return 0;
        }

        return CommandOutput.Print(parseResult, view, CliJsonContext.Output.StatusView, v => v.ToText(verbose, nextStep?.Invoke(view.Store)));
    }

    private static void AddAlias(Command command, string? alias)
    {
        if (alias is not null)
        {
            command.Aliases.Add(alias);
        }
    }
}
