using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Client.Activation;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Core.Signing;
using ProductKeys.KmsHost.Activation;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.Cli.KmsHost;

/// <summary>
/// <c>pk kms-host activate</c>: online (<c>--key KEY --service URL</c>), or offline in two steps
/// (<c>--key KEY --offline-request FILE</c>, then <c>--offline-response FILE</c>).
/// </summary>
internal static class KmsHostActivateCommand
{
    public static Command Create()
    {
        var data = KmsHostCommands.Data();
        var key = new Option<string?>("--key") { Description = "The KMS host key." };
        var service = new Option<string?>("--service") { Description = "Licensing service URL (online activation)." };
        var trust = new Option<FileInfo?>("--trust")
        {
            Description = "PEM file of publisher public keys: pinned by a new data folder (otherwise the service's are); a folder that trusts keys already "
                + "only checks it against them and the key lists in hand (PUBLISHER_KEY_NOT_VOUCHED otherwise).",
        };
        var request = new Option<FileInfo?>("--offline-request") { Description = "Write an offline activation request to FILE (- for standard output)." };
        var response = new Option<FileInfo?>("--offline-response") { Description = "Install the host certificate from a response FILE." };
        var tls = new TlsClientOptions();
        var command = new Command("activate", "Activate this KMS host with a KMS host key, online or offline.") { data, key, service, trust, request, response };
        tls.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var activator = new HostActivator(new KmsHostFolder(parseResult.GetValue(data)!), TimeProvider.System);
            TrustedKeySet? trusted = null;
            if (parseResult.GetValue(trust) is { } trustFile)
            {
                var loaded = SigningKeyFile.LoadPublicKeys(trustFile.FullName);
                if (!loaded.IsSuccess)
                {
                    return CommandOutput.Refuse(parseResult, loaded.Refusal);
                }

                trusted = loaded.Value;
            }

            if (parseResult.GetValue(request) is { } requestFile)
            {
                var path = CommandOutput.PathOf(requestFile);
                if (CommandOutput.StandardOutputTaken(parseResult, path, "--offline-request") is { } taken)
                {
                    return CommandOutput.Refuse(parseResult, taken);
                }

                var written = activator.WriteRequest(parseResult.GetValue(key), path);
                var name = OutputFile.IsStandardOutput(path) ? "REQUEST.json" : Path.GetFileName(path);
                return written.IsSuccess
                    ? CommandOutput.PrintWritten(parseResult, path, new { requestFile = path, hostId = written.Value.HostId },
                        r => $"Wrote the activation request for host {r.hostId} to {(OutputFile.IsStandardOutput(r.requestFile) ? "standard output (save it as REQUEST.json)" : r.requestFile)}.\n"
                            + OfflineSteps.Hint(name, (response, trust) => $"pk kms-host activate --data {ShellWord.Quote(parseResult.GetValue(data)!)} --offline-response {response} --trust {trust}"))
                    : CommandOutput.Refuse(parseResult, written.Refusal);
            }

            Outcome<KmsHostCertificate> installed;
            if (parseResult.GetValue(response) is { } responseFile)
            {
                installed = activator.InstallResponseFile(responseFile.FullName, trusted);
            }
            else if (parseResult.GetValue(service) is { } serviceText && !ServiceUrl.TryParse(serviceText, out _))
            {
                installed = new Refusal(ErrorCatalogue.ValidationFailed, $"--service must be an http(s) URL such as http://127.0.0.1:8080, not '{serviceText}'.");
            }
            else if (ServiceUrl.TryParse(parseResult.GetValue(service), out var url))
            {
                var client = tls.Resolve(parseResult, url);
                if (!client.IsSuccess)
                {
                    return CommandOutput.Refuse(parseResult, client.Refusal);
                }

                using var http = client.Value.CreateHttpClient(TimeSpan.FromSeconds(30));
                installed = await activator.ActivateOnlineAsync(parseResult.GetValue(key), url, trusted, new LicensingServiceClient(http), cancellationToken,
                    keyIds => Console.Error.WriteLine($"Pinned the publisher keys the service published: {string.Join(", ", keyIds)} (compare with the publisher's fingerprint)."));
            }
            else
            {
                installed = new Refusal(ErrorCatalogue.ValidationFailed,
                    "Say how to activate: --key KEY --service URL (online), --key KEY --offline-request FILE, or --offline-response FILE.");
            }

            if (!installed.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, installed.Refusal);
            }

            var c = installed.Value;
            var trustedNow = new KmsHostFolder(parseResult.GetValue(data)!).PublisherKeys.Load(TimeProvider.System) is { IsSuccess: true, Value: { } chain } ? chain : null;
            var result = new
            {
                activated = true,
                hostId = c.HostId,
                billingAccount = c.BillingAccount,
                products = c.Products,
                issuedAt = c.IssuedAt,
                expires = c.Expires,
                publisherKeys = trustedNow?.Trusted.Keys.Select(k => k.KeyId).ToList() ?? [],
                keyListSequence = trustedNow?.Sequence ?? 0,
            };
            return CommandOutput.Print(parseResult, result, r =>
                $"KMS host {r.hostId} is activated for billing account {r.billingAccount}: "
                + string.Join(", ", r.products.Select(p => $"{p.ProductId} (threshold {p.Threshold})")) + ". "
                + $"Publisher keys trusted: {trustedNow?.Describe() ?? "-"}.");
        });
        return command;
    }
}
