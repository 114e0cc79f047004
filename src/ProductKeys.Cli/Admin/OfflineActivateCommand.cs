using System.CommandLine;
using System.Text.Json;
using ProductKeys.AdminApi;
using ProductKeys.AdminApi.Activations;
using ProductKeys.CalServer.Packs;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.KmsHost.Activation;

namespace ProductKeys.Cli.Admin;

/// <summary>
/// <c>pk offline activate REQUESTS… --out DIR</c>: proxy activation for air-gapped devices. Takes
/// request files (or folders of them), submits them in batches, writes one response file per
/// request (<c>NAME.response.json</c>) for <c>pk atp</c> on each device, or for <c>pk kms-host
/// activate --offline-response</c> on a KMS host that wrote its request with <c>--offline-request</c>, or for
/// <c>pk cal-server install-pack --offline-response</c> on a CAL server that did the same.
/// </summary>
internal static class OfflineActivateCommand
{
    private const int BatchSize = 200;
    private const string PublisherKeysFile = "publisher-keys.pem";

    public static Command Create()
    {
        var requests = new Argument<FileSystemInfo[]>("REQUESTS") { Description = "Request files from 'pk dti', or folders holding them.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the response files.", Required = true };
        var command = new Command("activate", "Activate offline requests on behalf of air-gapped devices (signed in as owner or contributor).") { requests, output };
        command.Options.Add(AdminOptions.Service);
        command.Options.Add(AdminOptions.Token);
        command.Options.Add(AdminOptions.Profile);
        AdminOptions.Tls.AddTo(command);
        AdminAction.Set(command, async (parseResult, client, ct) =>
        {
            var files = RequestFiles(parseResult.GetValue(requests)!);
            if (files.Count == 0)
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed, "No request files (*.json) were found."));
            }

            // One response file per request name: two requests named alike would overwrite each other's answer.
            if (files.GroupBy(f => ResponseName(f), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } clash)
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed,
                    $"Two requests would both answer to {clash.Key}: {string.Join(", ", clash.Select(f => f.FullName))}. Rename one and run again; nothing was activated."));
            }

            var outDir = parseResult.GetValue(output)!;
            outDir.Create();
            // An air-gapped machine has never seen the publisher's keys, and a KMS host or CAL server pinned before a rotation
            // learns the key that signs its new certificate only from the signed key lists: both travel with the responses.
            var published = await client.GetAsync("api/v1/publisher-keys", AdminApiJsonContext.Default.PublisherKeysResponse, ct);
            var keyLists = published.IsSuccess ? published.Value.KeyLists : null;
            var results = new List<OfflineResult>();
            // KMS host requests ('pk kms-host activate --offline-request') go one by one to the host activation endpoint.
            var hostRequests = files.Select(f => (File: f, Request: KmsHostRequest(f))).Where(h => h.Request is not null).ToList();
            foreach (var (file, request) in hostRequests)
            {
                var answer = await client.PostAsync("api/v1/kms-host-activations", request!.ToActivationRequest(),
                    AdminApiJsonContext.Default.KmsHostActivationRequest, AdminApiJsonContext.Default.KmsHostActivationResponse, ct);
                var response = answer.IsSuccess
                    ? new KmsHostOfflineResponse(KmsHostOfflineResponse.FormatV1, request.HostId, answer.Value.HostCertificate, null, null, keyLists)
                    : new KmsHostOfflineResponse(KmsHostOfflineResponse.FormatV1, request.HostId, null, answer.Refusal.Code, answer.Refusal.Detail);
                var path = Path.Combine(outDir.FullName, ResponseName(file));
                if (await WriteAsync(path, JsonSerializer.Serialize(response, CommandOutput.JsonOptions), ct) is { } unwritable)
                {
                    return CommandOutput.Refuse(parseResult, unwritable);
                }
                results.Add(new OfflineResult(file.FullName, path, answer.IsSuccess, response.Code, KmsHost: true, CalPack: false));
            }

            // CAL pack requests ('pk cal-server install-pack --offline-request') go one by one to the pack activation endpoint.
            var packRequests = files.Except(hostRequests.Select(h => h.File)).Select(f => (File: f, Request: CalPackRequest(f))).Where(p => p.Request is not null).ToList();
            foreach (var (file, request) in packRequests)
            {
                var answer = await client.PostAsync("api/v1/cal-pack-activations", request!.ToActivationRequest(),
                    AdminApiJsonContext.Default.CalPackActivationRequest, AdminApiJsonContext.Default.CalPackActivationResponse, ct);
                var response = answer.IsSuccess
                    ? new CalPackOfflineResponse(CalPackOfflineResponse.FormatV1, request.ServerId, answer.Value.PackCertificate, null, null, keyLists)
                    : new CalPackOfflineResponse(CalPackOfflineResponse.FormatV1, request.ServerId, null, answer.Refusal.Code, answer.Refusal.Detail);
                var path = Path.Combine(outDir.FullName, ResponseName(file));
                if (await WriteAsync(path, JsonSerializer.Serialize(response, CommandOutput.JsonOptions), ct) is { } unwritable)
                {
                    return CommandOutput.Refuse(parseResult, unwritable);
                }
                results.Add(new OfflineResult(file.FullName, path, answer.IsSuccess, response.Code, KmsHost: false, CalPack: true));
            }

            var singles = hostRequests.Count + packRequests.Count;
            files = [.. files.Except(hostRequests.Select(h => h.File)).Except(packRequests.Select(p => p.File))];
            foreach (var batch in files.Chunk(BatchSize))
            {
                var read = batch.Select(Read).ToList();
                var answer = await client.PostAsync("api/v1/offline-activations", new OfflineActivationBatch([.. read.Select(r => r.Request!)]),
                    AdminApiJsonContext.Default.OfflineActivationBatch, AdminApiJsonContext.Default.OfflineActivationResults, ct);
                if (!answer.IsSuccess)
                {
                    return CommandOutput.Refuse(parseResult, answer.Refusal);
                }

                var responses = answer.Value.Responses;
                for (var i = 0; i < batch.Length; i++)
                {
                    var response = read[i].Problem ?? responses[i];
                    var path = Path.Combine(outDir.FullName, ResponseName(batch[i]));
                    if (await WriteAsync(path, JsonSerializer.Serialize(response, CommandOutput.JsonOptions), ct) is { } unwritable)
                    {
                        return CommandOutput.Refuse(parseResult, unwritable);
                    }
                    results.Add(new OfflineResult(batch[i].FullName, path, response.Certificate is not null, response.Code, KmsHost: false, CalPack: false));
                }

                Console.Error.WriteLine($"pk: {results.Count}/{files.Count + singles} requests answered");
            }

            var trustPath = Path.Combine(outDir.FullName, PublisherKeysFile);
            if (published.IsSuccess)
            {
                if (await WriteAsync(trustPath, string.Join('\n', published.Value.Keys.Select(k => k.Pem)), ct) is { } unwritable)
                {
                    return CommandOutput.Refuse(parseResult, unwritable);
                }
            }

            var summary = new OfflineSummary(results.Count(r => r.Activated), results.Count(r => !r.Activated), published.IsSuccess ? trustPath : null, results);
            CommandOutput.Print(parseResult, summary, s => string.Join('\n',
                s.Results.Select(r => $"{(r.Activated ? "activated" : r.Code),-26} {Path.GetFileName(r.Response)}")
                    .Append($"{s.Activated} activated, {s.Refused} refused")
                    // Only the kinds of request it answered: a KMS host's response given to 'pk atp' is no device activation.
                    .Concat(s.Results.Any(r => !r.KmsHost && !r.CalPack)
                        ? [$"on each device: pk atp RESPONSE --trust {s.PublisherKeys ?? "PUBLISHER-KEYS.pem"}"]
                        : [])
                    .Concat(s.Results.Any(r => r.KmsHost)
                        ? [$"on each KMS host: pk kms-host activate --data DIR --offline-response RESPONSE --trust {s.PublisherKeys ?? "PUBLISHER-KEYS.pem"}"]
                        : [])
                    .Concat(s.Results.Any(r => r.CalPack)
                        ? [$"on each CAL server: pk cal-server install-pack --data DIR --offline-response RESPONSE --trust {s.PublisherKeys ?? "PUBLISHER-KEYS.pem"}"]
                        : [])));
            return summary.Refused == 0 ? 0 : ErrorCatalogue.Find(results.First(r => !r.Activated).Code ?? "")?.ExitCode ?? 1;
        }, parseResult => NamedInputs(parseResult.GetValue(requests)!) ?? RequestFiles(parseResult.GetValue(requests)!).Select(NotARequest).FirstOrDefault(r => r is not null));
        return command;
    }

    /// <summary>
    /// A request named on the command line that is missing or empty is a mistake to fix before anything
    /// is activated: skipped, it would leave its device without an answer and nobody told.
    /// </summary>
    private static Refusal? NamedInputs(IEnumerable<FileSystemInfo> inputs)
    {
        foreach (var input in inputs)
        {
            if (string.IsNullOrWhiteSpace(input.ToString()) || !input.Exists)
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, $"REQUESTS: {input.FullName} does not exist; nothing was activated. Name the request files {RequestWriters} wrote, or folders holding them.");
            }

            if (input is FileInfo { Length: 0 })
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, $"REQUESTS: {input.FullName} is empty; nothing was activated. Name the request files {RequestWriters} wrote.");
            }
        }

        return null;
    }

    /// <summary>
    /// Why <paramref name="file"/>, tagged with a format, is not a request this pk activates: a KMS host's or CAL server's request of a format
    /// this pk does not read went to the device batch and came back "not a request 'pk dti' wrote"; a response given back was sent as a request.
    /// <c>null</c> for a request of a known format, and for a file without a tag (the device batch says what is wrong with it).
    /// </summary>
    private static Refusal? NotARequest(FileInfo file)
    {
        if (file.Length > InputText.MaxBytes)
        {
            // Read whole, a 700 MB file was INTERNAL_ERROR (out of memory); a request is a few KB.
            return new Refusal(ErrorCatalogue.OfflineDataInvalid,
                $"REQUESTS: {file.FullName} is larger than 1 MiB, and a request is a few KB: it is not a request {RequestWriters} wrote. Nothing was activated.");
        }

        string? format;
        try
        {
            using var json = JsonDocument.Parse(RequestText(file));
            format = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String
                ? f.GetString()
                : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (format is null or OfflineActivationRequest.FormatV1 or KmsHostOfflineRequest.FormatV1 or CalPackOfflineRequest.FormatV1)
        {
            return null;
        }

        var what = format switch
        {
            _ when format.StartsWith("pk-kms-host-request-", StringComparison.Ordinal) =>
                $"is a KMS host request ('pk kms-host activate --offline-request') in format {format}, which this pk does not read (it reads {KmsHostOfflineRequest.FormatV1}): the host runs a newer pk. Activate it with 'pk offline activate' of that version or later",
            _ when format.StartsWith("pk-cal-pack-request-", StringComparison.Ordinal) =>
                $"is a CAL server's pack request ('pk cal-server install-pack --offline-request') in format {format}, which this pk does not read (it reads {CalPackOfflineRequest.FormatV1}): the CAL server runs a newer pk. Activate it with 'pk offline activate' of that version or later",
            _ when format.StartsWith("pk-offline-request-", StringComparison.Ordinal) =>
                $"is a device request ('pk dti') in format {format}, which this pk does not read (it reads {OfflineActivationRequest.FormatV1}): the device runs a newer pk. Activate it with 'pk offline activate' of that version or later",
            KmsHostOfflineResponse.FormatV1 =>
                "is a KMS host's response that 'pk offline activate' wrote, not a request: install it on the KMS host with 'pk kms-host activate --data DIR --offline-response FILE --trust publisher-keys.pem'",
            CalPackOfflineResponse.FormatV1 =>
                "is a CAL server's response that 'pk offline activate' wrote, not a request: install it on the CAL server with 'pk cal-server install-pack --data DIR --offline-response FILE --trust publisher-keys.pem'",
            OfflineActivationResponse.FormatV1 =>
                "is a device's response that 'pk offline activate' wrote, not a request: install it on the device with 'pk atp FILE --trust publisher-keys.pem'",
            _ => $"is a file of format {format}, not a request {RequestWriters} wrote",
        };
        return new Refusal(ErrorCatalogue.OfflineDataInvalid, $"REQUESTS: {file.FullName} {what}. Nothing was activated.");
    }

    /// <summary>
    /// A request file's text: at most 1 MiB is read (<see cref="InputText"/>), also of a file that grew after <see cref="NotARequest"/> looked.
    /// </summary>
    /// <exception cref="IOException">It cannot be read, or is larger than 1 MiB (the message names it).</exception>
    private static string RequestText(FileInfo file)
    {
        var read = InputText.Read(file.FullName, ErrorCatalogue.OfflineDataInvalid, "REQUESTS");
        return read.IsSuccess ? read.Value : throw new IOException(read.Refusal.Detail);
    }

    private const string RequestWriters = "'pk dti', 'pk kms-host activate --offline-request' or 'pk cal-server install-pack --offline-request'";

    private static string ResponseName(FileInfo request) => Path.GetFileNameWithoutExtension(request.Name) + ".response.json";

    /// <summary>Request files named or found in named folders, each once.</summary>
    private static List<FileInfo> RequestFiles(IEnumerable<FileSystemInfo> inputs) =>
    [
        .. inputs.SelectMany<FileSystemInfo, FileInfo>(i => i switch
        {
            DirectoryInfo d when d.Exists => d.EnumerateFiles("*.json").Where(f => !f.Name.EndsWith(".response.json", StringComparison.Ordinal)).OrderBy(f => f.Name, StringComparer.Ordinal),
            FileInfo f when f.Exists => [f],
            _ => [],
        }).DistinctBy(f => f.FullName),
    ];

    /// <summary>
    /// The KMS host request in <paramref name="file"/>, or <c>null</c> for anything else (a device
    /// request, or a file the device path reports on). Files pk wrote before the format tag are
    /// recognized by their host public key.
    /// </summary>
    private static KmsHostOfflineRequest? KmsHostRequest(FileInfo file)
    {
        try
        {
            using var json = JsonDocument.Parse(RequestText(file));
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var format = json.RootElement.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            var isHost = format == KmsHostOfflineRequest.FormatV1 || (format is null && json.RootElement.TryGetProperty("hostPublicKey", out _));
            return isHost ? json.RootElement.Deserialize<KmsHostOfflineRequest>(CommandOutput.JsonOptions) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The CAL pack request in <paramref name="file"/> (format <c>pk-cal-pack-request-v1</c>), or <c>null</c> for anything else.</summary>
    private static CalPackOfflineRequest? CalPackRequest(FileInfo file)
    {
        try
        {
            using var json = JsonDocument.Parse(RequestText(file));
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String && f.GetString() == CalPackOfflineRequest.FormatV1
                ? json.RootElement.Deserialize<CalPackOfflineRequest>(CommandOutput.JsonOptions)
                : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes one file into --out; a link or a FIFO another user put there, a full disk, is a refusal naming it.</summary>
    private static async Task<Refusal?> WriteAsync(string path, string text, CancellationToken ct)
    {
        try
        {
            await OutputFile.WriteAllTextAsync(path, text, ct);
            return null;
        }
        catch (Exception e) when (OutputFile.IsWriteFailure(e))
        {
            return OutputFile.Unwritable(path, "--out", e);
        }
    }

    /// <summary>A file that is not a request still gets a response file, saying so.</summary>
    private static (OfflineActivationRequest? Request, OfflineActivationResponse? Problem) Read(FileInfo file)
    {
        try
        {
            var text = RequestText(file);
            if (string.IsNullOrWhiteSpace(text))
            {
                return (null, new OfflineActivationResponse(OfflineActivationResponse.FormatV1, null, null, ErrorCatalogue.OfflineDataInvalid.Code, $"{file.Name} is empty: it is not a request 'pk dti' wrote."));
            }

            var request = JsonSerializer.Deserialize<OfflineActivationRequest>(text, CommandOutput.JsonOptions);
            return (request, null);
        }
        catch (JsonException e)
        {
            return (null, new OfflineActivationResponse(OfflineActivationResponse.FormatV1, null, null, ErrorCatalogue.OfflineDataInvalid.Code, $"{file.Name} is not JSON: {e.Message}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, new OfflineActivationResponse(OfflineActivationResponse.FormatV1, null, null, ErrorCatalogue.OfflineDataInvalid.Code, $"{file.Name} cannot be read: {e.Message}"));
        }
    }

    private sealed record OfflineResult(string Request, string Response, bool Activated, string? Code, bool KmsHost, bool CalPack);

    private sealed record OfflineSummary(int Activated, int Refused, string? PublisherKeys, IReadOnlyList<OfflineResult> Results);
}
