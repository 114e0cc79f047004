using System.CommandLine;
using System.Text.Json;
using ProductKeys.Cli.Output;
using ProductKeys.Client.Licensing;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Core.Keys;

namespace ProductKeys.Cli.Device;

/// <summary>
/// Offline activation on the device: <c>pk dti FILE</c> writes a request, <c>pk atp FILE</c> applies
/// the response (docs/formats/offline-activation-v1.md).
/// </summary>
internal static class OfflineCommands
{
    /// <summary>pk's <c>offline</c> group: request and apply here, and pk's proxy <c>activate</c> (it needs the service's admin API).</summary>
    public static Command Create(Command? proxyActivate)
    {
        var offline = new Command("offline", "Offline activation: request and apply files for devices without internet.");
        offline.Subcommands.Add(Request("request"));
        offline.Subcommands.Add(Apply("apply"));
        if (proxyActivate is not null)
        {
            offline.Subcommands.Add(proxyActivate);
        }

        return offline;
    }

    public static Command Request(string name)
    {
        var options = new DeviceOptions();
        var file = new Argument<FileInfo>("FILE") { Description = "Where to write the request (- for standard output)." };
        var command = new Command(name, "Write an offline activation request for this device.") { file };
        options.AddTo(command);
        command.SetAction(parseResult => DeviceCommands.Run(parseResult, options, verbose: false, license =>
        {
            var path = CommandOutput.PathOf(parseResult.GetValue(file)!);
            if (CommandOutput.StandardOutputTaken(parseResult, path, "FILE") is { } taken)
            {
                return taken;
            }

            var status = license.Status();
            if (!status.IsSuccess)
            {
                return status;
            }

            var stored = status.Value.Stored;
            if (stored.KeyType != KeyType.Mak)
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, "Offline activation needs an installed MAK: install one with 'pk ipk KEY --product ID'.");
            }

            if (status.Value.HardwareId is not { } hardwareId)
            {
                return license.CurrentHardwareId().Refusal!;
            }

            if (HardwareId.TryParse(hardwareId, out var parsed) && parsed.BindingRefusal() is { } notOneDevice)
            {
                return notOneDevice;
            }

            var request = new OfflineActivationRequest(OfflineActivationRequest.FormatV1, stored.ProductId, stored.Key, hardwareId, TimeProvider.System.GetUtcNow());
            if (OutputFile.Check(path, "The request file") is { } unwritable)
            {
                return unwritable;
            }

            // The request carries the plaintext key: owner-only, like the credentials and key exports.
            try
            {
                using var stream = OutputFile.Open(path);
                JsonSerializer.Serialize(stream, request, CliJsonContext.Output.OfflineActivationRequest);
            }
            catch (Exception e) when (OutputFile.IsWriteFailure(e))
            {
                return OutputFile.Unwritable(path, "The request file", e);
            }

            Console.Error.WriteLine(OutputFile.IsStandardOutput(path) ? "Wrote the request to standard output (save it as REQUEST.json)." : $"Wrote {path}.");
            return status;
        }, store => OfflineNextStep(OutputFile.IsStandardOutput(CommandOutput.PathOf(parseResult.GetValue(file)!)) ? "REQUEST.json" : parseResult.GetValue(file)!.Name, store),
            wroteStandardOutput: OutputFile.IsStandardOutput(CommandOutput.PathOf(parseResult.GetValue(file)!))));
        return command;
    }

    /// <summary>After <c>dti</c> the device waits for a response file: <c>pk ato</c>, the state's next step, needs the network it lacks.</summary>
    private static string OfflineNextStep(string request, string store) =>
        $"Next step: take {request} to a connected machine. " + OfflineSteps.Hint(request, (response, trust) => $"pk atp {response} --store {ShellWord.Quote(store)} --trust {trust}", "an Owner or Contributor");

    /// <summary>The codes the service puts in a response it refuses (OfflineActivations, MakActivations, the key lookup, 'pk offline activate').</summary>
    private static readonly HashSet<string> RefusalsInResponses = new(
        new[]
        {
            ErrorCatalogue.KeyMalformed, ErrorCatalogue.KeyChecksum, ErrorCatalogue.KeyNotForProduct, ErrorCatalogue.KeyUnknown,
            ErrorCatalogue.KeyBlocked, ErrorCatalogue.KeyWrongUse, ErrorCatalogue.MakLimitReached, ErrorCatalogue.SetupKeyCannotActivate,
            ErrorCatalogue.KmsClientKeyOnline, ErrorCatalogue.OfflineDataInvalid, ErrorCatalogue.ValidationFailed, ErrorCatalogue.RateLimited,
            ErrorCatalogue.Conflict, ErrorCatalogue.ForbiddenNotBillingAdmin, ErrorCatalogue.ForbiddenNotAccountOwnerOrContributor,
            ErrorCatalogue.SecretsMismatch,
        }.Select(e => e.Code),
        StringComparer.Ordinal);

    public static Command Apply(string name)
    {
        var options = new DeviceOptions();
        var file = new Argument<FileInfo>("FILE") { Description = "The response file from 'pk offline activate'." };
        var command = new Command(name, "Apply an offline activation response on this device.") { file };
        options.AddTo(command);
        command.SetAction(parseResult => DeviceCommands.Run(parseResult, options, verbose: false,
            license => ApplyResponse(license, parseResult.GetValue(file)!)));
        return command;
    }

    private static Outcome<DeviceLicenseReport> ApplyResponse(DeviceLicense license, FileInfo file)
    {
        var text = InputFile.Read(file, ErrorCatalogue.OfflineDataInvalid, "The response");
        if (!text.IsSuccess)
        {
            return text.Refusal;
        }

        OfflineActivationResponse? response;
        try
        {
            response = JsonSerializer.Deserialize(text.Value, CliJsonContext.Output.OfflineActivationResponse);
        }
        catch (JsonException e)
        {
            return new Refusal(ErrorCatalogue.OfflineDataInvalid, $"{file.Name} is not an offline activation response: {e.Message}");
        }

        if (response is null || response.Format != OfflineActivationResponse.FormatV1)
        {
            return new Refusal(ErrorCatalogue.OfflineDataInvalid, $"{file.Name} is not a {OfflineActivationResponse.FormatV1} file.");
        }

        if (response.Certificate is null)
        {
            // Only the refusals the service writes into a response file (docs/formats/offline-activation-v1.md):
            // a file cannot make this command exit with any other code of the catalogue.
            var error = response.Code is not null && RefusalsInResponses.Contains(response.Code) ? ErrorCatalogue.Find(response.Code) : null;
            return error is null
                ? new Refusal(ErrorCatalogue.OfflineDataInvalid, $"{file.Name} holds no certificate" + (response.Code is null ? "." : " and no refusal the service gives in a response file."))
                : new Refusal(error, response.Detail ?? error.Message);
        }

        return license.ApplyCertificate(response.Certificate);
    }
}
