using System.Text.Json;
using ProductKeys.Client.Activation;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.KmsHost.Activation;

/// <summary>
/// <c>pk kms-host activate</c> (docs/product.md §4): online against the licensing service, or offline through a
/// request file and a response file. A certificate is kept only when it verifies against the
/// publisher keys and names this host's ID and key.
/// </summary>
public sealed class HostActivator(KmsHostFolder folder, TimeProvider time)
{
    /// <summary>The request this host sends (online) or writes (offline) for a KMS host key.</summary>
    public Outcome<KmsHostActivationRequest> CreateRequest(string? key)
    {
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
                using var stream = OutputFile.CreateOwnerOnly(path);
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
    /// <c>pk offline activate</c> (a refusal in it is reported with its own code), the JSON of
    /// <see cref="KmsHostActivationResponse"/>, or the bare certificate text.
    /// </summary>
    public Outcome<KmsHostCertificate> InstallResponseFile(string path, TrustedKeySet? trust)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.OfflineDataInvalid, $"{path} cannot be read: {e.Message}");
        }

        if (text.StartsWith('{'))
        {
            try
            {
                // The offline response is a superset of the online answer (hostCertificate), so one reader takes both.
                var response = JsonSerializer.Deserialize(text, OfflineFileJsonContext.Default.KmsHostOfflineResponse);
                if (response is { HostCertificate: null, Code: { } code })
                {
                    return new Refusal(ErrorCatalogue.Find(code) ?? ErrorCatalogue.OfflineDataInvalid, response.Detail ?? code);
                }

                text = response?.HostCertificate ?? "";
            }
            catch (JsonException e)
            {
                return new Refusal(ErrorCatalogue.OfflineDataInvalid, $"{path} is not a KMS host activation response: {e.Message}");
            }
        }

        return Install(text, trust);
    }

    /// <summary>Activates online: pins the service's publisher keys when none are given, then asks for a certificate.</summary>
    /// <param name="key">The KMS host key.</param>
    /// <param name="service">The licensing service.</param>
    /// <param name="trust">Publisher keys to trust; <c>null</c>: those pinned before, else the service's.</param>
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

        if (trust is null && LoadPinnedTrust() is { IsSuccess: true } pinnedBefore)
        {
            trust = pinnedBefore.Value;
        }

        var keys = await client.GetPublisherKeysAsync(service, cancellationToken);
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

        // Keys rotated in or withdrawn since the host was pinned (ADR 0024), kept to hand to clients.
        var lists = keys.IsSuccess ? keys.Value.KeyLists ?? [] : [];
        trust = PublisherKeyList.Apply(trust, lists, time).Trusted;
        var answer = await client.ActivateKmsHostAsync(service, request.Value, cancellationToken);
        if (!answer.IsSuccess)
        {
            return answer.Refusal;
        }

        var installed = Install(answer.Value.HostCertificate, trust);
        if (installed.IsSuccess && lists.Count > 0)
        {
            File.WriteAllLines(folder.KeyListsFile, lists);
        }

        return installed;
    }

    private Outcome<TrustedKeySet> LoadPinnedTrust() =>
        File.Exists(folder.TrustFile) ? SigningKeyFile.LoadPublicKeys(folder.TrustFile) : new Refusal(ErrorCatalogue.KmsHostNotActivated);

    private Outcome<KmsHostCertificate> Install(string? certificateText, TrustedKeySet? trust)
    {
        if (trust is null)
        {
            var pinned = LoadPinnedTrust();
            if (!pinned.IsSuccess)
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, "Say which publisher keys to trust: --trust FILE (or activate online once).");
            }

            trust = pinned.Value;
        }

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
