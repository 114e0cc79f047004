using System.CommandLine;
using ProductKeys.CalServer.Data;
using ProductKeys.CalServer.Packs;
using ProductKeys.CalServer.Reports;
using ProductKeys.CalServer.Serving;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Core.Signing;
using ProductKeys.KmsHost.Serving;

namespace ProductKeys.Cli.CalServer;

/// <summary><c>pk cal-server install-pack|serve|report|revoke-device</c> (docs/product.md §5, §9).</summary>
internal static class CalServerCommands
{
    public static Command Create()
    {
        var command = new Command("cal-server", "Run and manage a CAL server inside your network.");
        command.Subcommands.Add(InstallPack());
        command.Subcommands.Add(CalServing.Configure(new Command("serve", CalServing.Description), Data(), CommandOutput.Refuse,
            new ListenRules(urls => ListenFailure.CheckUrls(urls, out _), ListenFailure.Explain)));
        command.Subcommands.Add(Report());
        command.Subcommands.Add(RevokeDevice());
        return command;
    }

    private static Option<string> Data() => new Option<string>("--data") { Description = "The CAL server's data folder (key, ID, packs, CAL database).", Required = true }.NotEmpty();

    private static Command InstallPack()
    {
        var data = Data();
        var key = new Option<string?>("--key") { Description = "The CAL pack's MAK (one per CAL order)." };
        var service = new Option<string?>("--service") { Description = "Licensing service URL (online installation)." };
        var request = new Option<FileInfo?>("--offline-request") { Description = "Write an offline activation request to FILE (for 'pk offline activate'; - for standard output)." };
        var response = new Option<FileInfo?>("--offline-response") { Description = "Install the pack certificate from a response FILE." };
        var trust = new Option<FileInfo?>("--trust")
        {
            Description = "PEM file of publisher public keys: pinned by a new data folder (otherwise the service's are); a folder that trusts keys already "
                + "only checks it against them and the key lists in hand (PUBLISHER_KEY_NOT_VOUCHED otherwise).",
        };
        var quantity = new Option<string>("--quantity")
        {
            Description = "pack (default): the pack shows 500 CALs whatever was bought; purchased: the quantity bought.",
            DefaultValueFactory = _ => "pack",
        };
        quantity.AcceptOnlyFromAmong("pack", "purchased");
        var tls = new TlsClientOptions();
        var command = new Command("install-pack", "Install a CAL pack: activates its MAK for this CAL server and keeps the signed pack certificate, online or offline.") { data, key, service, trust, quantity, request, response };
        tls.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
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

            var installer = new PackInstaller(new CalServerFolder(parseResult.GetValue(data)!), TimeProvider.System);
            var purchased = parseResult.GetValue(quantity) == "purchased";
            if (parseResult.GetValue(request) is { } requestFile)
            {
                var path = CommandOutput.PathOf(requestFile);
                if (CommandOutput.StandardOutputTaken(parseResult, path, "--offline-request") is { } taken)
                {
                    return CommandOutput.Refuse(parseResult, taken);
                }

                var written = installer.WriteRequest(parseResult.GetValue(key), purchased, path);
                var name = OutputFile.IsStandardOutput(path) ? "REQUEST.json" : Path.GetFileName(path);
                return written.IsSuccess
                    ? CommandOutput.PrintWritten(parseResult, path, new { requestFile = path, serverId = written.Value.ServerId },
                        r => $"Wrote the CAL pack request for CAL server {r.serverId} to {(OutputFile.IsStandardOutput(r.requestFile) ? "standard output (save it as REQUEST.json)" : r.requestFile)}.\n"
                            + OfflineSteps.Hint(name, (response, trust) => $"pk cal-server install-pack --data {ShellWord.Quote(parseResult.GetValue(data)!)} --offline-response {response} --trust {trust}"))
                    : CommandOutput.Refuse(parseResult, written.Refusal);
            }

            Outcome<CalPackCertificate> installed;
            if (parseResult.GetValue(response) is { } responseFile)
            {
                installed = await installer.InstallResponseFileAsync(responseFile.FullName, trusted, cancellationToken);
            }
            else if (parseResult.GetValue(service) is null)
            {
                installed = new Refusal(ErrorCatalogue.ValidationFailed,
                    "Say how to install: --key MAK --service URL (online), --key MAK --offline-request FILE, or --offline-response FILE.");
            }
            else if (!ServiceUrl.TryParse(parseResult.GetValue(service), out var url))
            {
                installed = new Refusal(ErrorCatalogue.ValidationFailed,
                    $"--service must be an http(s) URL such as http://127.0.0.1:8080, not '{parseResult.GetValue(service)}'.");
            }
            else if (tls.Resolve(parseResult, url) is { IsSuccess: false } badTls)
            {
                installed = badTls.Refusal;
            }
            else
            {
                using var http = tls.Resolve(parseResult, url).Value.CreateHttpClient(TimeSpan.FromSeconds(30));
                installed = await installer.InstallOnlineAsync(parseResult.GetValue(key), purchased, url, trusted, http, cancellationToken,
                    keyIds => Console.Error.WriteLine($"Pinned the publisher keys the service published: {string.Join(", ", keyIds)} (compare with the publisher's fingerprint)."));
            }

            if (!installed.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, installed.Refusal);
            }

            CalPackCertificate p = installed.Value;
            var trustedNow = new CalServerFolder(parseResult.GetValue(data)!).PublisherKeys.Load(TimeProvider.System) is { IsSuccess: true, Value: { } chain } ? chain : null;
            var result = new
            {
                installed = true, packId = p.PackId, product = p.ProductId, mode = p.Mode.ToString(), purchased = p.Purchased, installedQuantity = p.Installed, serverId = p.ServerId,
                publisherKeys = trustedNow?.Trusted.Keys.Select(k => k.KeyId).ToList() ?? [], keyListSequence = trustedNow?.Sequence ?? 0,
            };
            return CommandOutput.Print(parseResult, result, r =>
                $"Installed CAL pack {r.packId} on CAL server {r.serverId}: {r.installedQuantity} {r.mode} CALs of {r.product} (purchased {r.purchased}). "
                + $"Publisher keys trusted: {trustedNow?.Describe() ?? "-"}.");
        });
        return command;
    }

    private static Command Report()
    {
        var data = Data();
        var csv = new Option<bool>("--csv") { Description = "Print CSV instead of a table." };
        var signed = new Option<bool>("--signed") { Description = "Write a signed usage report (for 'pk usage upload') to --out." };
        var output = new Option<FileInfo?>("--out") { Description = "Where --signed writes the report (- for standard output)." };
        var command = new Command("report", "Per pack and mode: purchased, installed, issued, over-used, temporary, permanent, expiring soon.") { data, csv, signed, output };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (parseResult.GetValue(signed) && parseResult.GetValue(output) is { } outFile
                && (CommandOutput.StandardOutputTaken(parseResult, CommandOutput.PathOf(outFile), "--out") ?? OutputFile.Check(CommandOutput.PathOf(outFile), "--out")) is { } unwritable)
            {
                return CommandOutput.Refuse(parseResult, unwritable);
            }

            // A report only reads: a mistyped or foreign folder is named (STORE_INVALID), never made or read as an empty server.
            var existing = CalServerFolder.Existing(parseResult.GetValue(data)!);
            if (!existing.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, existing.Refusal);
            }

            var folder = existing.Value;
            var identity = CalServerIdentity.LoadOrCreate(folder);
            if (!identity.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, identity.Refusal);
            }

            using var id = identity.Value;
            var ledger = CalLedger.Open(folder, id, TimeProvider.System);
            if (!ledger.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, ledger.Refusal);
            }

            using var open = ledger.Value;
            var report = CalReport.From(id.ServerId, await open.UsageAsync(CalReport.ExpiringWithin, cancellationToken));
            if (parseResult.GetValue(signed))
            {
                return await WriteSignedAsync(parseResult, parseResult.GetValue(output), id, await open.PacksAsync(cancellationToken), report, cancellationToken);
            }

            if (parseResult.GetValue(csv) && !parseResult.GetValue(CommonOptions.Json))
            {
                Console.Out.Write(report.ToCsv());
                return 0;
            }

            return CommandOutput.Print(parseResult, report, r => r.ToText());
        });
        return command;
    }

    private static Command RevokeDevice()
    {
        var data = Data();
        var device = new Option<string>("--device") { Description = "The device ID whose permanent CAL returns to the pool.", Required = true };
        var command = new Command("revoke-device",
            $"Take a device's permanent CAL back into the pool (a retired or re-imaged device): at most a fifth of the installed per-device CALs in {CalPolicy.RevocationWindow.TotalDays:0} days.")
        {
            data, device,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            // A mistyped or foreign folder is named (STORE_INVALID), never made.
            var existing = CalServerFolder.Existing(parseResult.GetValue(data)!);
            if (!existing.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, existing.Refusal);
            }

            var identity = CalServerIdentity.LoadOrCreate(existing.Value);
            if (!identity.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, identity.Refusal);
            }

            using var id = identity.Value;
            var ledger = CalLedger.Open(existing.Value, id, TimeProvider.System);
            if (!ledger.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, ledger.Refusal);
            }

            using var open = ledger.Value;
            var revoked = await open.RevokeDeviceAsync(parseResult.GetValue(device)!, cancellationToken);
            return revoked.IsSuccess
                ? CommandOutput.Print(parseResult, revoked.Value, r =>
                    $"Revoked the permanent CAL {r.CalId} of device '{r.Device}': it is back in the pool. The device's last signed CAL stays valid "
                    + $"offline until {r.SignedUntil:yyyy-MM-dd HH:mm} UTC; asked again, the device starts as a first connection. "
                    + $"{r.Used} of {r.Allowed} revocations used in the last {CalPolicy.RevocationWindow.TotalDays:0} days.")
                : CommandOutput.Refuse(parseResult, revoked.Refusal);
        });
        return command;
    }

    private static async Task<int> WriteSignedAsync(
        ParseResult parseResult, FileInfo? output, CalServerIdentity id, IReadOnlyList<CalPackCertificate> packs, CalReport report, CancellationToken cancellationToken)
    {
        if (output is null)
        {
            return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed, "--signed needs --out FILE."));
        }

        if (packs.Count == 0)
        {
            return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.CalPackNotInstalled, "No CAL pack is installed: there is nothing to report ('pk cal-server install-pack')."));
        }

        var text = SignedCalReport.Sign(id, packs, report, TimeProvider.System);
        var path = CommandOutput.PathOf(output);
        try
        {
            await OutputFile.WriteAllTextAsync(path, text + "\n", cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandOutput.Refuse(parseResult, OutputFile.Unwritable(path, "--out", e));
        }

        var result = new { signed = true, file = path, serverId = id.ServerId, packs = packs.Count };
        return CommandOutput.PrintWritten(parseResult, path, result,
            r => $"Wrote a signed usage report of CAL server {r.serverId} ({r.packs} pack(s)) to {(OutputFile.IsStandardOutput(r.file) ? "standard output" : r.file)}: upload it with 'pk usage upload'.");
    }
}
