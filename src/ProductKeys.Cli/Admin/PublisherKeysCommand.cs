using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Client.Activation;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Cli.Admin;

/// <summary>
/// <c>pk publisher-keys export --service URL --out FILE</c>: writes the publisher's public keys as the
/// PEM file a product embeds (<c>ProductLicenseOptions.PublisherKeys</c>) or a device is given
/// with <c>--trust</c>. The keys are public: no sign-in is needed.
/// </summary>
internal static class PublisherKeysCommand
{
    public static Command Create()
    {
        var service = new Option<string>("--service") { Description = "Licensing service URL.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The PEM file to write (- for standard output).", Required = true };
        var tls = new TlsClientOptions();
        var keyLists = new Option<FileInfo?>("--key-lists") { Description = "Also write the publisher's signed key lists to FILE, for 'pk trust update --from FILE' on air-gapped devices (- for standard output)." };
        var export = new Command("export", "Write the publisher's public keys to a PEM file, to embed in a product.") { service, output, keyLists };
        tls.AddTo(export);
        export.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!ServiceUrl.TryParse(parseResult.GetValue(service), out var url))
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed,
                    $"--service must be an http(s) URL such as http://127.0.0.1:8080, not '{parseResult.GetValue(service)}'."));
            }

            // Both files checked before the service is asked: a mistyped folder must not leave the keys written and the lists not.
            var file = CommandOutput.PathOf(parseResult.GetValue(output)!);
            var listsFile = parseResult.GetValue(keyLists) is { } lists ? CommandOutput.PathOf(lists) : null;
            if (OutputFile.IsStandardOutput(file) && OutputFile.IsStandardOutput(listsFile))
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed,
                    "--out - and --key-lists - would both write to standard output, one after the other: send one of them to a file."));
            }

            if ((CommandOutput.StandardOutputTaken(parseResult, file, "--out") ?? CommandOutput.StandardOutputTaken(parseResult, listsFile, "--key-lists")
                ?? OutputFile.Check(file, "--out") ?? (listsFile is null ? null : OutputFile.Check(listsFile, "--key-lists"))) is { } unwritable)
            {
                return CommandOutput.Refuse(parseResult, unwritable);
            }

            var trust = tls.Resolve(parseResult, url);
            if (!trust.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, trust.Refusal);
            }

            using var http = trust.Value.CreateHttpClient(TimeSpan.FromSeconds(30));
            var keys = await new LicensingServiceClient(http).GetPublisherKeysAsync(url, cancellationToken);
            if (!keys.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, keys.Refusal);
            }

            var pems = (keys.Value.Keys ?? []).Where(k => k?.Pem is not null).Select(k => k.Pem).ToList();
            var trusted = OnlineActivation.ParseTrust(pems);
            if (!trusted.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, trusted.Refusal);
            }

            var (writing, option) = (file, "--out");
            try
            {
                await OutputFile.WriteAllTextAsync(writing, trusted.Value.ToPem(), cancellationToken);
                if (listsFile is not null)
                {
                    (writing, option) = (listsFile, "--key-lists");
                    await OutputFile.WriteAllTextAsync(writing, string.Concat((keys.Value.KeyLists ?? []).Select(l => l + Environment.NewLine)), cancellationToken);
                }
            }
            catch (Exception e) when (OutputFile.IsWriteFailure(e))
            {
                return CommandOutput.Refuse(parseResult, OutputFile.Unwritable(writing, option, e));
            }

            var result = new ExportResult(file, [.. trusted.Value.Keys.Select(k => k.KeyId)], listsFile, listsFile is null ? null : (keys.Value.KeyLists ?? []).Count);
            return CommandOutput.PrintWritten(parseResult, OutputFile.IsStandardOutput(file) ? file : listsFile ?? file, result, r =>
                $"Wrote {r.KeyIds.Count} publisher key(s) ({string.Join(", ", r.KeyIds)}) to {(OutputFile.IsStandardOutput(r.File) ? "standard output" : r.File)}: embed it in the product (ProductLicenseOptions.PublisherKeys) or give it to devices with --trust."
                + (r.KeyListsFile is null ? "" : $"\nWrote {r.KeyLists} signed key list(s) to {(OutputFile.IsStandardOutput(r.KeyListsFile) ? "standard output" : r.KeyListsFile)}"
                    + (r.KeyLists == 0 ? " (none yet: the signing key was never rotated)." : ": on an air-gapped device, 'pk trust update --store S --from FILE'.")));
        });
        var command = new Command("publisher-keys", "The publisher's public keys, which products embed to verify activations offline.");
        command.Subcommands.Add(export);
        return command;
    }

    /// <summary>What export wrote; <paramref name="KeyListsFile"/> and <paramref name="KeyLists"/> (how many lists) only with --key-lists.</summary>
    private sealed record ExportResult(string File, IReadOnlyList<string> KeyIds, string? KeyListsFile, int? KeyLists);
}
