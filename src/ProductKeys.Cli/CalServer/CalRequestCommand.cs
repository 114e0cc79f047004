using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using ProductKeys.Cli.Device;
using ProductKeys.Cli.Output;
using ProductKeys.Client.Activation;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Cli.CalServer;

/// <summary><c>pk cal request --cal-server URL (--user NAME | --device ID | --store S)</c>: what a session host asks a CAL server (docs/product.md §5).</summary>
internal static class CalRequestCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--cal-server") { Description = "The CAL server's URL, e.g. http://127.0.0.1:16881.", Required = true };
        var user = new Option<string?>("--user") { Description = "A per-user CAL for this user." };
        var device = new Option<string?>("--device") { Description = "A per-device CAL for this device ID." };
        var store = new Option<string?>("--store") { Description = "A per-device CAL for the device of this license store (its device ID, else its hardware ID); its publisher keys verify the CAL." };
        var trustFile = new Option<FileInfo?>("--trust") { Description = "PEM file of publisher public keys that verify a device CAL (otherwise the --store's)." };
        var tls = new TlsClientOptions();
        var request = new Command("request", "Ask a CAL server for a per-user or per-device CAL.") { server, user, device, store, trustFile };
        tls.AddTo(request);
        request.SetAction(async (parseResult, cancellationToken) =>
        {
            var (u, d, s) = (parseResult.GetValue(user), parseResult.GetValue(device), parseResult.GetValue(store));
            if (new[] { u, d, s }.Count(v => v is not null) != 1)
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed, "Say whose CAL: --user NAME, --device ID or --store S (one of them)."));
            }

            TrustedKeySet? publisherKeys = null;
            if (parseResult.GetValue(trustFile) is { } file)
            {
                var loaded = SigningKeyFile.LoadPublicKeys(file.FullName);
                if (!loaded.IsSuccess)
                {
                    return CommandOutput.Refuse(parseResult, loaded.Refusal);
                }

                publisherKeys = loaded.Value;
            }

            if (s is not null)
            {
                var identity = StoreDeviceId(s);
                if (!identity.IsSuccess)
                {
                    return CommandOutput.Refuse(parseResult, identity.Refusal);
                }

                (d, publisherKeys) = (identity.Value.DeviceId, publisherKeys ?? identity.Value.PublisherKeys);
            }

            if (!ServiceUrl.TryParse(parseResult.GetValue(server), out var url))
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed, $"--cal-server must be an http(s) URL, not '{parseResult.GetValue(server)}'."));
            }

            var body = u is not null ? new CalRequest("PerUser", User: u) : new CalRequest("PerDevice", Device: d);
            var trust = tls.Resolve(parseResult, url);
            if (!trust.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, trust.Refusal);
            }

            using var http = trust.Value.CreateHttpClient(TimeSpan.FromSeconds(30));
            http.MaxResponseContentBufferSize = MaxAnswerBytes; // the answer is buffered whole: an endless one was read to 2 GiB
            var answer = await SendAsync(http, new Uri(url, "api/v1/cals"), body, cancellationToken);
            if (answer.IsSuccess)
            {
                answer = CalAnswerCheck.Check(answer.Value, u, d, publisherKeys, TimeProvider.System);
            }

            if (!answer.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, answer.Refusal.Error == ErrorCatalogue.ServiceUnreachable
                    ? new Refusal(ErrorCatalogue.CalServerUnreachable, answer.Refusal.Detail)
                    : answer.Refusal);
            }

            if (d is not null && publisherKeys is null)
            {
                Console.Error.WriteLine("The device CAL was checked for this device and its dates, not verified: give --trust FILE or a --store that pins publisher keys to verify its signatures.");
            }

            return CommandOutput.Print(parseResult, answer.Value, r => r.User is not null
                ? $"User {r.User} holds a CAL from the {(r.Pool == "OverUsed" ? "over-used pool" : "installed CALs")} of CAL server {r.ServerId} until {r.Expires:yyyy-MM-dd} (unless used again)."
                : $"Device {r.Device} holds a {r.Kind?.ToLowerInvariant()} CAL {r.CalId} of CAL server {r.ServerId} until {r.Expires:yyyy-MM-dd}.");
        });
        var command = new Command("cal", "Client access licenses from a CAL server.");
        command.Subcommands.Add(request);
        return command;
    }

    /// <summary>
    /// The store's device identity: the operator's device ID when the store has one (<c>pk ipk --device-id</c>), else the
    /// hash of this machine's machine id for the store's product (the hardware ID's most stable component, docs/formats/hardware-id-v1.md).
    /// </summary>
    private static Outcome<(string DeviceId, TrustedKeySet? PublisherKeys)> StoreDeviceId(string folder)
    {
        // The store as device commands open it: the trust directory's keys when it holds any, else the store's own pins.
        var opened = DeviceSession.NewLicense(folder);
        if (!opened.IsSuccess)
        {
            return opened.Refusal;
        }

        var device = opened.Value;
        var loaded = device.Store.Load();
        if (!loaded.IsSuccess)
        {
            return loaded.Refusal;
        }

        var license = loaded.Value;
        if (license.ProductId is null)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid,
                $"The store {Path.GetFullPath(folder)} holds no license (no product is set): install a key there with 'pk ipk KEY --product ID --store {folder}', or give --device ID.");
        }

        // What the device believes (ADR 0019, 0024): keys pinned in a store whose MAC fails are not, and the trust directory's
        // keys are the only anchors when it holds any. Reading the store's pins directly believed an edited store.
        var keys = device.TrustedPublisherKeys();
        if (!keys.IsSuccess)
        {
            return keys.Refusal;
        }

        if (license.DeviceId is { Length: > 0 } deviceId)
        {
            return (deviceId, keys.Value);
        }

        var hardware = device.CurrentHardwareId();
        if (!hardware.IsSuccess)
        {
            return hardware.Refusal;
        }

        var components = hardware.Value.Components;
        var stable = components.FirstOrDefault(c => c.Kind == HardwareComponentKind.MachineId);
        return components.IsEmpty
            ? new Refusal(ErrorCatalogue.ValidationFailed, $"The store {folder} gives this device no identity: install a key with --device-id.")
            : ($"hw-{(stable == default ? components[0] : stable).Hash:x16}", keys.Value);
    }

    /// <summary>The most read of a CAL server's answer: 1 MiB, where a CAL is a few KB.</summary>
    private const int MaxAnswerBytes = 1024 * 1024;

    private static async Task<Outcome<CalResponse>> SendAsync(HttpClient http, Uri uri, CalRequest body, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.PostAsJsonAsync(uri, body, JsonSerializerOptions.Web, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return await ProblemDetailsReader.ReadRefusalAsync(response, "a CAL server (is it the licensing service or a KMS host?)", cancellationToken);
            }

            // Read as UTF-8 whatever charset the Content-Type names (JSON is UTF-8; an unknown charset failed as INTERNAL_ERROR).
            var answer = JsonSerializer.Deserialize<CalResponse>(await response.Content.ReadAsByteArrayAsync(cancellationToken), JsonSerializerOptions.Web);
            return answer is null ? new Refusal(ErrorCatalogue.ServiceUnreachable, "The CAL server sent an empty answer.") : answer;
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            return new Refusal(ErrorCatalogue.ServiceUnreachable,
                $"{uri} answered more than 1 MiB, which no CAL server sends (a CAL is a few KB): check --cal-server, and that no proxy in between sends something else.");
        }
        catch (HttpRequestException e)
        {
            return ProblemDetailsReader.Unreachable(uri, e);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Refusal(ErrorCatalogue.ServiceUnreachable, $"{uri}: no answer in time.");
        }
        catch (JsonException e)
        {
            return new Refusal(ErrorCatalogue.ServiceUnreachable, $"{uri} answered something that is not a CAL: {e.Message}");
        }
    }
}
