using System.Text.Json;
using ProductKeys.Client.Activation;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;
using ProductKeys.Hosting;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.KmsHost.Activation;

/// <summary>
/// <c>pk kms-host activate</c> (docs/product.md §4): online against the licensing service, or offline through a
/// request file and a response file. A certificate is kept only when it verifies against the
/// publisher keys and names this host's ID and key. The publisher keys are pinned at the first activation and change since
/// only through signed key lists (<see cref="PinnedPublisherKeys.Accept"/>, ADR 0024).
/// </summary>
public sealed class HostActivator(KmsHostFolder folder, TimeProvider time)
{
    /// <summary>The request this host sends (online) or writes (offline) for a KMS host key.</summary>
    public Outcome<KmsHostActivationRequest> CreateRequest(string? key)
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

        if (parsed.Value.Type != KeyType.KmsHost)
        {
            return new Refusal(ErrorCatalogue.KeyWrongUse, $"That is a {parsed.Value.Type} key: a KMS host activates with a KMS host key.");
        }

        var identity = KmsHostIdentity.LoadOrCreate(folder);
        if (!identity.IsSuccess)
        {
            return identity.Refusal;
        }

        using (identity.Value)
        {
            return new KmsHostActivationRequest(parsed.Value.ToString(), identity.Value.HostId, identity.Value.Key.PublicKey.ToPem());
        }
    }

    /// <summary>Writes an offline request file (<see cref="KmsHostOfflineRequest"/>) for <c>pk offline activate</c>.</summary>
    public Outcome<KmsHostActivationRequest> WriteRequest(string? key, string path)
    {
        // Before the data folder's key and ID are made: a request that cannot be written leaves nothing behind.
        if (OutputFile.Check(path, "--offline-request") is { } unwritable)
        {
            return unwritable;
        }

        var request = CreateRequest(key);
        if (request.IsSuccess)
        {
            var r = request.Value;
            var file = new KmsHostOfflineRequest(KmsHostOfflineRequest.FormatV1, r.Key, r.HostId, r.HostPublicKey, time.GetUtcNow());
            try
            {
                // The request carries the plaintext KMS host key: readable by its owner only.
                using var stream = OutputFile.Open(path);
                JsonSerializer.Serialize(stream, file, OfflineFileJsonContext.Default.KmsHostOfflineRequest);
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
    /// Installs a host certificate from a response file: a <see cref="KmsHostOfflineResponse"/> from
    /// <c>pk offline activate</c> (a refusal in it is reported with its own code; its key lists teach keys rotated in since the
    /// host was pinned), the JSON of <see cref="KmsHostActivationResponse"/>, or the bare certificate text.
    /// </summary>
    /// <param name="path">The response file.</param>
    /// <param name="trust">The keys of <c>--trust FILE</c>: pinned by a new folder, only checked by a pinned one; or <c>null</c>.</param>
    public Outcome<KmsHostCertificate> InstallResponseFile(string path, TrustedKeySet? trust)
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
                // The offline response is a superset of the online answer (hostCertificate), so one reader takes both.
                var response = JsonSerializer.Deserialize(text, OfflineFileJsonContext.Default.KmsHostOfflineResponse);
                if (OfflineFileFormat.Check(response?.Format, KmsHostOfflineResponse.FormatV1, absentAllowed: true, path,
                        "the NAME.response.json that 'pk offline activate' wrote for this host's --offline-request") is { } otherFormat)
                {
                    return otherFormat;
                }

                if (response is { HostCertificate: null, Code: { } code })
                {
                    return KmsHostOfflineResponse.Refusal(code, response.Detail);
                }

                text = response?.HostCertificate ?? "";
                lists = response?.PublisherKeyLists;
            }
            catch (JsonException e)
            {
                return new Refusal(ErrorCatalogue.OfflineDataInvalid, $"{path} is not a KMS host activation response: {e.Message}");
            }
        }

        if (new HostCertificateStore(folder, time).Damage() is { } damaged)
        {
            return damaged;
        }

        var chain = folder.PublisherKeys.Accept(trust, published: null, lists, time);
        return chain.IsSuccess ? Install(text, chain.Value) : chain.Refusal;
    }

    /// <summary>
    /// Activates online: a new folder pins <paramref name="trust"/>, else the service's publisher keys; a pinned one learns the
    /// service's key lists (and only checks <paramref name="trust"/>). Then it asks for a certificate.
    /// </summary>
    /// <param name="key">The KMS host key.</param>
    /// <param name="service">The licensing service.</param>
    /// <param name="trust">The keys of <c>--trust FILE</c>, or <c>null</c>.</param>
    /// <param name="client">The service client.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <param name="pinned">Told the key IDs when the service's keys were pinned, so the operator can compare fingerprints.</param>
    public async Task<Outcome<KmsHostCertificate>> ActivateOnlineAsync(
        string? key, Uri service, TrustedKeySet? trust, LicensingServiceClient client, CancellationToken cancellationToken,
        Action<IReadOnlyList<string>>? pinned = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var request = CreateRequest(key);
        if (!request.IsSuccess)
        {
            return request.Refusal;
        }

        // Checked before asking: a damaged folder or a refused trust file consumes no activation.
        if (new HostCertificateStore(folder, time).Damage() is { } damaged)
        {
            return damaged;
        }

        var keys = await client.GetPublisherKeysAsync(service, cancellationToken);
        var accepted = folder.PublisherKeys.AcceptOnline(trust, keys, time);
        if (!accepted.IsSuccess)
        {
            return accepted.Refusal;
        }

        var (chain, pinnedFromService) = accepted.Value;
        if (ServiceSigningKey.RefuseUntrusted(chain.Trusted, keys, service) is { } untrusted)
        {
            return untrusted; // one of the host key's activations would be counted, then the certificate refused here
        }

        if (pinnedFromService is not null)
        {
            pinned?.Invoke([.. pinnedFromService.Keys.Select(k => k.KeyId)]);
        }

        var answer = await client.ActivateKmsHostAsync(service, request.Value, cancellationToken);
        return answer.IsSuccess ? Install(answer.Value.HostCertificate, chain) : answer.Refusal;
    }

    private Outcome<KmsHostCertificate> Install(string? certificateText, PublisherKeyChain trust)
    {
        var identity = KmsHostIdentity.LoadOrCreate(folder);
        if (!identity.IsSuccess)
        {
            return identity.Refusal;
        }

        using (identity.Value)
        {
            return new HostCertificateStore(folder, time).Install(certificateText ?? "", trust, identity.Value.HostId, identity.Value.Key.PublicKey);
        }
    }
}
