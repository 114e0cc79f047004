using System.Net.Http.Json;
using System.Text.Json;
using ProductKeys.CalServer.Data;
using ProductKeys.CalServer.Serving;
using ProductKeys.Client.Activation;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;
using ProductKeys.Hosting;

namespace ProductKeys.CalServer.Packs;

/// <summary>
/// <c>pk cal-server install-pack</c> (docs/product.md §5): sends the pack's MAK with this server's ID and
/// public key to the licensing service (<c>POST /api/v1/cal-pack-activations</c>) and keeps the
/// pack certificate it answers when it verifies against the publisher keys and names this server.
/// Mirrors the KMS host's activation (<c>KmsHost/Activation/HostActivator</c>): the same key file,
/// the same pinning of the publisher keys at the first installation, changed since only by signed key lists
/// (<see cref="PinnedPublisherKeys.Accept"/>: docs/adr/0018-cal-server.md, "Publisher keys").
/// </summary>
public sealed class PackInstaller(CalServerFolder folder, TimeProvider time)
{
    /// <summary>The request this server sends for a CAL pack's MAK.</summary>
    public Outcome<CalPackActivationRequest> CreateRequest(string? key, bool installPurchased)
    {
        if (ServingFolder.Unshared(folder.Path) is { } shared)
        {
            return shared; // before anything in the folder is read or made, as serve refuses it
        }

        var parsed = ProductKey.Parse(key);
        if (!parsed.IsSuccess)
        {
            return parsed.Refusal;
        }

        if (parsed.Value.Type != KeyType.Mak)
        {
            return new Refusal(ErrorCatalogue.KeyWrongUse, $"That is a {parsed.Value.Type} key: a CAL pack installs with the MAK of its CAL order.");
        }

        var identity = CalServerIdentity.LoadOrCreate(folder);
        if (!identity.IsSuccess)
        {
            return identity.Refusal;
        }

        using (identity.Value)
        {
            return new CalPackActivationRequest(parsed.Value.ToString(), identity.Value.ServerId, identity.Value.Key.PublicKey.ToPem(), installPurchased);
        }
    }

    /// <summary>Writes an offline request file (<see cref="CalPackOfflineRequest"/>) for <c>pk offline activate</c>.</summary>
    public Outcome<CalPackActivationRequest> WriteRequest(string? key, bool installPurchased, string path)
    {
        // Before the data folder's key and ID are made: a request that cannot be written leaves nothing behind.
        if (OutputFile.Check(path, "--offline-request") is { } unwritable)
        {
            return unwritable;
        }

        var request = CreateRequest(key, installPurchased);
        if (request.IsSuccess)
        {
            var r = request.Value;
            var file = new CalPackOfflineRequest(CalPackOfflineRequest.FormatV1, r.Key, r.ServerId, r.ServerPublicKey, r.InstallPurchased, time.GetUtcNow());
            try
            {
                // The request carries the plaintext MAK: readable by its owner only.
                using var stream = OutputFile.Open(path);
                JsonSerializer.Serialize(stream, file, OfflineFileJsonContext.Default.CalPackOfflineRequest);
                stream.Write("\n"u8);
            }
            catch (Exception e) when (OutputFile.IsWriteFailure(e))
            {
                return OutputFile.Unwritable(path, "--offline-request", e);
            }
        }

        return request;
    }

    /// <summary>
    /// Installs a pack certificate from a response file: a <see cref="CalPackOfflineResponse"/> from
    /// <c>pk offline activate</c> (a refusal in it is reported with its own code; its key lists teach keys rotated in since the
    /// folder was pinned), the JSON of <see cref="CalPackActivationResponse"/>, or the bare certificate text.
    /// </summary>
    /// <param name="path">The response file.</param>
    /// <param name="trust">The keys of <c>--trust FILE</c>: pinned by a new folder, only checked by a pinned one; or <c>null</c>.</param>
    /// <param name="cancellationToken">Cancels the installation.</param>
    public async Task<Outcome<CalPackCertificate>> InstallResponseFileAsync(string path, TrustedKeySet? trust, CancellationToken cancellationToken)
    {
        if (ServingFolder.Unshared(folder.Path) is { } shared)
        {
            return shared; // before anything in the folder is read or made, as serve refuses it
        }

        var read = InputText.Read(path, ErrorCatalogue.OfflineDataInvalid, "--offline-response");
        if (!read.IsSuccess)
        {
            return read.Refusal;
        }

        var text = read.Value.Trim();

        IReadOnlyList<string>? lists = null;
        if (text.StartsWith('{'))
        {
            try
            {
                // The offline response is a superset of the online answer (packCertificate), so one reader takes both.
                var response = JsonSerializer.Deserialize(text, OfflineFileJsonContext.Default.CalPackOfflineResponse);
                if (OfflineFileFormat.Check(response?.Format, CalPackOfflineResponse.FormatV1, absentAllowed: true, path,
                        "the NAME.response.json that 'pk offline activate' wrote for this server's --offline-request") is { } otherFormat)
                {
                    return otherFormat;
                }

                if (response is { PackCertificate: null, Code: { } code })
                {
                    return CalPackOfflineResponse.Refusal(code, response.Detail);
                }

                text = response?.PackCertificate ?? "";
                lists = response?.PublisherKeyLists;
            }
            catch (JsonException e)
            {
                return new Refusal(ErrorCatalogue.OfflineDataInvalid, $"{path} is not a CAL pack activation response: {e.Message}");
            }
        }

        var chain = folder.PublisherKeys.Accept(trust, published: null, lists, time);
        return chain.IsSuccess ? await InstallAsync(text, chain.Value, cancellationToken).ConfigureAwait(false) : chain.Refusal;
    }

    /// <summary>
    /// Installs a pack online: a new folder pins <paramref name="trust"/>, else the service's publisher keys; a pinned one learns
    /// the service's key lists (and only checks <paramref name="trust"/>). Then it asks for the certificate.
    /// </summary>
    /// <param name="key">The pack's MAK.</param>
    /// <param name="installPurchased">Install the purchased quantity rather than the pack size.</param>
    /// <param name="service">The licensing service.</param>
    /// <param name="trust">The keys of <c>--trust FILE</c>, or <c>null</c>.</param>
    /// <param name="http">The HTTP client.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <param name="pinned">Told the key IDs when the service's keys were pinned.</param>
    public async Task<Outcome<CalPackCertificate>> InstallOnlineAsync(
        string? key, bool installPurchased, Uri service, TrustedKeySet? trust, HttpClient http, CancellationToken cancellationToken,
        Action<IReadOnlyList<string>>? pinned = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = CreateRequest(key, installPurchased);
        if (!request.IsSuccess)
        {
            return request.Refusal;
        }

        // Checked before asking: a refused trust file consumes no activation.
        var keys = await new LicensingServiceClient(http).GetPublisherKeysAsync(service, cancellationToken).ConfigureAwait(false);
        var accepted = folder.PublisherKeys.AcceptOnline(trust, keys, time);
        if (!accepted.IsSuccess)
        {
            return accepted.Refusal;
        }

        var (chain, pinnedFromService) = accepted.Value;
        if (ServiceSigningKey.RefuseUntrusted(chain.Trusted, keys, service) is { } untrusted)
        {
            return untrusted; // the pack's activation would be counted, then its certificate refused here
        }

        if (pinnedFromService is not null)
        {
            pinned?.Invoke([.. pinnedFromService.Keys.Select(k => k.KeyId)]);
        }

        var answer = await PostAsync(http, new Uri(service, "api/v1/cal-pack-activations"), request.Value, cancellationToken).ConfigureAwait(false);
        return answer.IsSuccess ? await InstallAsync(answer.Value.PackCertificate, chain, cancellationToken).ConfigureAwait(false) : answer.Refusal;
    }

    /// <summary>Keeps a pack certificate, and the publisher keys it verified against, in the data folder.</summary>
    /// <param name="certificateText">The pack certificate.</param>
    /// <param name="trust">What the folder trusts with it (<see cref="PinnedPublisherKeys.Accept"/>).</param>
    /// <param name="cancellationToken">Cancels the installation.</param>
    public async Task<Outcome<CalPackCertificate>> InstallAsync(string? certificateText, PublisherKeyChain trust, CancellationToken cancellationToken)
    {
        if (ServingFolder.Unshared(folder.Path) is { } shared)
        {
            return shared; // before anything in the folder is read or made, as serve refuses it
        }

        var identity = CalServerIdentity.LoadOrCreate(folder);
        if (!identity.IsSuccess)
        {
            return identity.Refusal;
        }

        using (identity.Value)
        {
            var ledger = CalLedger.Open(folder, identity.Value, time);
            if (!ledger.IsSuccess)
            {
                return ledger.Refusal;
            }

            using (ledger.Value)
            {
                return await ledger.Value.InstallPackAsync(certificateText, trust, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<Outcome<CalPackActivationResponse>> PostAsync(HttpClient http, Uri uri, CalPackActivationRequest request, CancellationToken cancellationToken)
    {
        // Headers only, then at most 1 MiB of the body (AnswerBody, as a device reads its answers): a pack answer is a few KB,
        // and an endless one was read whole. The client's timeout ends the headers only: the deadline bounds the body too.
        using var deadline = AnswerBody.Deadline(http, cancellationToken);

        using var sent = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(request, CalJsonContext.Default.CalPackActivationRequest) };
        try
        {
            using var response = await http.SendAsync(sent, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return await ProblemDetailsReader.ReadRefusalAsync(response, "a ProductKeys licensing service (is it a KMS host or a CAL server?)", deadline.Token).ConfigureAwait(false);
            }

            var bytes = await AnswerBody.ReadAsync(response.Content, deadline.Token).ConfigureAwait(false);
            if (bytes is null)
            {
                return new Refusal(ErrorCatalogue.ServiceUnreachable,
                    $"{uri} answered more than {AnswerBody.MaxText}, which no ProductKeys licensing service sends for a CAL pack (a few KB): check --service, and that no proxy in between sends something else.");
            }

            var body = JsonSerializer.Deserialize(bytes, CalJsonContext.Default.CalPackActivationResponse);
            return body?.PackCertificate is null ? new Refusal(ErrorCatalogue.ServiceUnreachable, "The service sent an empty answer.") : body;
        }
        catch (HttpRequestException e)
        {
            return ProblemDetailsReader.Unreachable(uri, e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Refusal(ErrorCatalogue.ServiceUnreachable, $"{uri}: no answer in time.");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return new Refusal(ErrorCatalogue.ServiceUnreachable, $"{uri} answered something that is not ProductKeys JSON: {e.Message}");
        }
    }
}
