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

namespace ProductKeys.CalServer.Packs;

/// <summary>
/// <c>pk cal-server install-pack</c> (docs/product.md §5): sends the pack's MAK with this server's ID and
/// public key to the licensing service (<c>POST /api/v1/cal-pack-activations</c>) and keeps the
/// pack certificate it answers when it verifies against the publisher keys and names this server.
/// Mirrors the KMS host's activation (<c>KmsHost/Activation/HostActivator</c>): the same key file,
/// the same pinning of the service's publisher keys on first contact.
/// </summary>
public sealed class PackInstaller(CalServerFolder folder, TimeProvider time)
{
    /// <summary>The request this server sends for a CAL pack's MAK.</summary>
    public Outcome<CalPackActivationRequest> CreateRequest(string? key, bool installPurchased)
    {
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
                using var stream = OutputFile.CreateOwnerOnly(path);
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
    /// <c>pk offline activate</c> (a refusal in it is reported with its own code), the JSON of
    /// <see cref="CalPackActivationResponse"/>, or the bare certificate text.
    /// </summary>
    public async Task<Outcome<CalPackCertificate>> InstallResponseFileAsync(string path, TrustedKeySet? trust, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.OfflineDataInvalid, $"{path} cannot be read: {e.Message}");
        }

        if (text.StartsWith('{'))
        {
            try
            {
                // The offline response is a superset of the online answer (packCertificate), so one reader takes both.
                var response = JsonSerializer.Deserialize(text, OfflineFileJsonContext.Default.CalPackOfflineResponse);
                if (response is { PackCertificate: null, Code: { } code })
                {
                    return CalPackOfflineResponse.Refusal(code, response.Detail);
                }

                text = response?.PackCertificate ?? "";
            }
            catch (JsonException e)
            {
                return new Refusal(ErrorCatalogue.OfflineDataInvalid, $"{path} is not a CAL pack activation response: {e.Message}");
            }
        }

        if (trust is null)
        {
            if (!File.Exists(folder.TrustFile) || SigningKeyFile.LoadPublicKeys(folder.TrustFile) is not { IsSuccess: true } pinned)
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, "Say which publisher keys to trust: --trust FILE (the publisher-keys.pem 'pk offline activate' wrote).");
            }

            trust = pinned.Value;
        }

        return await InstallAsync(text, trust, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Installs a pack online: pins the service's publisher keys when none are given or pinned, then asks for the certificate.</summary>
    /// <param name="key">The pack's MAK.</param>
    /// <param name="installPurchased">Install the purchased quantity rather than the pack size.</param>
    /// <param name="service">The licensing service.</param>
    /// <param name="trust">Publisher keys to trust; <c>null</c>: those pinned before, else the service's.</param>
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

        if (trust is null && File.Exists(folder.TrustFile) && SigningKeyFile.LoadPublicKeys(folder.TrustFile) is { IsSuccess: true } before)
        {
            trust = before.Value;
        }

        var keys = await new LicensingServiceClient(http).GetPublisherKeysAsync(service, cancellationToken).ConfigureAwait(false);
        if (trust is null)
        {
            if (!keys.IsSuccess)
            {
                return keys.Refusal;
            }

            var published = new List<TrustedKey>();
            foreach (var pem in keys.Value.Keys.Select(k => k.Pem))
            {
                if (!TrustedKey.TryFromPem(pem, out var publisherKey, out var problem))
                {
                    return new Refusal(ErrorCatalogue.SignatureInvalid, $"The service published a key that is not a P-256 public key: {problem}");
                }

                published.Add(publisherKey);
            }

            trust = new TrustedKeySet(published);
            pinned?.Invoke([.. trust.Keys.Select(k => k.KeyId)]);
        }

        // Keys rotated in or withdrawn since the server was pinned (ADR 0024).
        trust = PublisherKeyList.Apply(trust, keys.IsSuccess ? keys.Value.KeyLists : null, time).Trusted;
        var answer = await PostAsync(http, new Uri(service, "api/v1/cal-pack-activations"), request.Value, cancellationToken).ConfigureAwait(false);
        return answer.IsSuccess ? await InstallAsync(answer.Value.PackCertificate, trust, cancellationToken).ConfigureAwait(false) : answer.Refusal;
    }

    /// <summary>Keeps a pack certificate (and the trust it verified against) in the data folder.</summary>
    public async Task<Outcome<CalPackCertificate>> InstallAsync(string? certificateText, TrustedKeySet trust, CancellationToken cancellationToken)
    {
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
        try
        {
            using var response = await http.PostAsJsonAsync(uri, request, CalJsonContext.Default.CalPackActivationRequest, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return await ProblemDetailsReader.ReadRefusalAsync(response, cancellationToken).ConfigureAwait(false);
            }

            var body = await response.Content.ReadFromJsonAsync(CalJsonContext.Default.CalPackActivationResponse, cancellationToken).ConfigureAwait(false);
            return body?.PackCertificate is null ? new Refusal(ErrorCatalogue.ServiceUnreachable, "The service sent an empty answer.") : body;
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
            return new Refusal(ErrorCatalogue.ServiceUnreachable, $"{uri} answered something that is not ProductKeys JSON: {e.Message}");
        }
    }
}
