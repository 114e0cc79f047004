using ProductKeys.Client.Licensing;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Activation;

/// <summary>
/// <c>pk ato</c> for a MAK: pins the publisher keys on first contact when the store trusts none,
/// asks the service, and stores the certificate only after verifying it.
/// </summary>
public static class OnlineActivation
{
    /// <summary>Activates the installed MAK online.</summary>
    /// <param name="license">The device license.</param>
    /// <param name="client">The service client.</param>
    /// <param name="pinned">Called with the key ids when keys were pinned on first contact.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public static async Task<Outcome<DeviceLicenseReport>> ActivateAsync(
        DeviceLicense license, LicensingServiceClient client, Action<IReadOnlyList<string>>? pinned, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(license);
        ArgumentNullException.ThrowIfNull(client);
        var loaded = license.Store.Load();
        if (!loaded.IsSuccess)
        {
            return loaded.Refusal;
        }

        var stored = loaded.Value;
        switch (stored.KeyType)
        {
            case null:
                return new Refusal(ErrorCatalogue.StoreInvalid, "No key is installed: install one with 'pk ipk KEY --product ID' first.");
            case KeyType.Setup:
                return new Refusal(ErrorCatalogue.SetupKeyCannotActivate);
            case KeyType.KmsClientSetup:
                // A KMS client never activates against the licensing service: it asks its KMS host.
                using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) })
                {
                    return await Kms.KmsActivation.ActivateAsync(license, new Kms.KmsClientSettings(new Kms.HttpKmsTransport(http), new Kms.DnsSrvResolver()), TimeProvider.System, cancellationToken).ConfigureAwait(false);
                }
        }

        if (stored.ServiceUrl is not { } service)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, "Say where the licensing service is: --service URL.");
        }

        if (stored.TrustedKeys.Count == 0)
        {
            var keys = await client.GetPublisherKeysAsync(service, cancellationToken).ConfigureAwait(false);
            if (!keys.IsSuccess)
            {
                return keys.Refusal;
            }

            var pems = keys.Value.Keys.Select(k => k.Pem).ToList();
            var trusted = ParseTrust(pems);
            if (!trusted.IsSuccess)
            {
                return trusted.Refusal;
            }

            var configured = license.Configure(l => l with { TrustedKeys = pems });
            if (!configured.IsSuccess)
            {
                return configured.Refusal;
            }

            pinned?.Invoke(trusted.Value.Keys.Select(k => k.KeyId).ToList());
        }

        var hardware = license.CurrentHardwareId();
        if (!hardware.IsSuccess)
        {
            return hardware.Refusal;
        }

        var answer = await client.ActivateAsync(service, new MakActivationRequest(stored.Key, stored.ProductId, hardware.Value.ToString()), cancellationToken).ConfigureAwait(false);
        return answer.IsSuccess ? license.ApplyCertificate(answer.Value.Certificate) : answer.Refusal;
    }

    /// <summary>Reads PEM public keys, refusing anything that is not one.</summary>
    public static Outcome<TrustedKeySet> ParseTrust(IEnumerable<string> pems)
    {
        ArgumentNullException.ThrowIfNull(pems);
        try
        {
            var set = new TrustedKeySet(pems.Select(TrustedKey.FromPem));
            return set.Count == 0 ? new Refusal(ErrorCatalogue.ValidationFailed, "No publisher key was given.") : set;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"Not a publisher public key (PEM): {e.Message}");
        }
    }
}
