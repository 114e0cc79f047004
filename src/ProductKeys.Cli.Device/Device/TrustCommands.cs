using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Client.Activation;
using ProductKeys.Client.Licensing;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Device;

/// <summary>
/// <c>pk trust update</c>: learns the publisher's rotated signing keys and withdrawals from its signed key lists
/// (ADR 0024), from the store's service or, for an air-gapped device, from a file
/// (<c>pk publisher-keys export --key-lists FILE</c>). Only lists signed by a key the device already trusts count.
/// </summary>
internal static class TrustCommands
{
    public static Command Create()
    {
        var command = new Command("trust", "The publisher keys this device believes.");
        command.Subcommands.Add(Update());
        return command;
    }

    private static Command Update()
    {
        var options = new DeviceOptions();
        var from = new Option<FileInfo?>("--from") { Description = "Read the signed key lists from FILE (one per line) instead of asking the service." };
        var command = new Command("update", "Learn rotated publisher keys and withdrawals from the publisher's signed key lists.") { from };
        options.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var opened = DeviceSession.Open(parseResult, options);
            if (!opened.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, opened.Refusal);
            }

            var license = opened.Value;
            var lists = parseResult.GetValue(from) is { } file
                ? ReadFile(file)
                : await FetchAsync(parseResult, options, license, cancellationToken);
            if (!lists.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, lists.Refusal);
            }

            var learned = license.LearnPublisherKeys(lists.Value);
            return learned.IsSuccess
                ? CommandOutput.Print(parseResult, learned.Value, CliJsonContext.Output.PublisherKeyTrust, Describe)
                : CommandOutput.Refuse(parseResult, learned.Refusal);
        });
        return command;
    }

    private static Outcome<IReadOnlyList<string>> ReadFile(FileInfo file)
    {
        var read = InputFile.Read(file, ErrorCatalogue.ValidationFailed, "--from");
        return read.IsSuccess
            ? read.Value.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => !string.IsNullOrWhiteSpace(l)).ToList()
            : read.Refusal;
    }

    private static async Task<Outcome<IReadOnlyList<string>>> FetchAsync(ParseResult parseResult, DeviceOptions options, DeviceLicense license, CancellationToken cancellationToken)
    {
        var stored = license.Store.Load();
        if (!stored.IsSuccess)
        {
            return stored.Refusal;
        }

        if (stored.Value.ServiceUrl is not { } service)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, "Say where the licensing service is (--service URL), or give the key lists with --from FILE.");
        }

        var client = DeviceSession.Http(parseResult, options.Tls, license);
        if (!client.IsSuccess)
        {
            return client.Refusal;
        }

        using var http = client.Value;
        var published = await new LicensingServiceClient(http).GetPublisherKeysAsync(service, cancellationToken);
        return published.IsSuccess ? (Outcome<IReadOnlyList<string>>)(published.Value.KeyLists ?? []).ToList() : published.Refusal;
    }

    private static string Describe(PublisherKeyTrust trust) =>
        $"Publisher key list {trust.Sequence}: trusting {string.Join(", ", trust.KeyIds)}"
        + (trust.Learned.Count > 0 ? $"; learned {string.Join(", ", trust.Learned)}" : "")
        + (trust.Dropped.Count > 0 ? $"; withdrawn {string.Join(", ", trust.Dropped)}" : "")
        + (trust.Learned.Count + trust.Dropped.Count == 0 ? " (nothing new)" : "") + ".";
}
