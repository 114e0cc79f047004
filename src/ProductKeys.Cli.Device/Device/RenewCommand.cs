using System.CommandLine;
using System.Text.Json;
using ProductKeys.Cli.Output;
using ProductKeys.Client.Activation;
using ProductKeys.Client.Renewal;
using ProductKeys.Client.Store;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Device;

/// <summary>
/// <c>pk renew --store S</c>: does whatever is due now (a KMS renewal or retry, a MAK activation
/// retry, or nothing), prints what it did and when the next attempt is due. Exit 0 when nothing was
/// due or the attempt succeeded; the refusal's exit code when it failed.
/// </summary>
internal static class RenewCommand
{
    public static Command Create()
    {
        var store = new Option<string>("--store") { Description = "License store folder.", Required = true };
        var kms = new KmsClientOptions();
        var tls = new TlsClientOptions();
        var dueNow = new Option<bool>("--due-now") { Description = "Make the next KMS renewal or activation attempt due now (and do nothing else): the next 'pk renew' or 'pk agent' does it." };
        var command = new Command("renew", "Do what is due now: renew through the KMS host, retry activation, or nothing; print when the next attempt is due.") { store, dueNow };
        kms.AddTo(command);
        tls.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var folder = parseResult.GetValue(store)!;
            var opened = Open(parseResult, folder, kms, tls, attempted: null);
            if (!opened.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, opened.Refusal);
            }

            using var http = opened.Value.Http;
            var renewal = opened.Value.Renewal;

            // The legitimate way to make a renewal due now (the store is sealed: editing it is tampering).
            if (parseResult.GetValue(dueNow))
            {
                var made = renewal.MakeDueNow();
                if (!made.IsSuccess)
                {
                    return CommandOutput.Refuse(parseResult, made.Refusal);
                }

                var directory = new LicenseStore(folder).Directory;
                Console.Out.WriteLine(parseResult.GetValue(CommonOptions.Json)
                    ? $"{{\"action\":\"MadeDue\",\"store\":\"{JsonEncodedText.Encode(directory)}\"}}"
                    : $"{directory}: the next renewal is due now: 'pk renew' or 'pk agent' does it.");
                return 0;
            }

            var attempt = await renewal.RenewIfDueAsync(cancellationToken);
            return Report(parseResult, RenewalReport.From(new LicenseStore(folder).Directory, attempt), attempt.Refusal);
        });
        return command;
    }

    /// <summary>
    /// The renewal schedule of one store, as <c>pk ato</c> would reach its service and KMS host, with the
    /// HTTP client it uses (TLS trust from the command line, else the store's; the caller disposes it).
    /// </summary>
    internal static Outcome<(LicenseRenewal Renewal, HttpClient Http)> Open(
        ParseResult parseResult, string folder, KmsClientOptions kms, TlsClientOptions tls, Action<RenewalAttempt>? attempted,
        bool spread = true, Action<DateTimeOffset>? spreading = null)
    {
        var opened = DeviceSession.NewLicense(folder);
        if (!opened.IsSuccess)
        {
            return opened.Refusal;
        }

        var license = opened.Value;
        if (!license.Store.Exists)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{license.Store.Directory} holds no license: install a key there first ('pk ipk KEY --product ID --store {folder}').");
        }

        var client = DeviceSession.Http(parseResult, tls, license);
        if (!client.IsSuccess)
        {
            return client.Refusal;
        }

        var http = client.Value;
        var settings = kms.Settings(parseResult, license, http);
        if (!settings.IsSuccess)
        {
            http.Dispose();
            return settings.Refusal;
        }

        return (new LicenseRenewal(license, new LicensingServiceClient(http), settings.Value, TimeProvider.System) { Attempted = attempted, SpreadDueAttempts = spread, Spreading = spreading }, http);
    }

    /// <summary>Prints one pass: a line of text, one JSON object with <c>--json</c>, or one field with <c>--field</c>.</summary>
    internal static int Report(ParseResult parseResult, RenewalReport report, Refusal? refusal)
    {
        var printed = CommandOutput.Print(parseResult, report, RenewalJsonContext.Default.RenewalReport, r => r.ToLine());
        if (refusal is null)
        {
            return printed;
        }

        Console.Error.WriteLine($"{refusal.Code}: {TerminalText.Safe(refusal.Detail)}");
        return refusal.Error.ExitCode;
    }
}
