using ProductKeys.Client.Kms;
using ProductKeys.Client.Licensing;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Activation;

/// <summary>
/// <c>pk ato</c>: pins the publisher keys on first contact only when asked to (trust on first use, ADR 0019), then either
/// asks the service (MAK) or the KMS host (KMS client setup key), storing a certificate only after verifying it.
/// </summary>
public static class OnlineActivation
{
    /// <summary>
    /// <c>pk ato</c>: activates the installed MAK online, or a KMS client setup key through its KMS host.
    /// </summary>
    /// <param name="license">The device license.</param>
    /// <param name="client">The service client.</param>
    /// <param name="kms">How to find and reach a KMS host (used for KMS client setup keys).</param>
    /// <param name="pinned">
    /// Trust on first use: when given, a store that trusts no publisher key pins the keys its service
    /// publishes and this is called with their key ids (show them to the user); when <c>null</c>, such a
    /// store is refused with what to do instead (ADR 0019).
    /// </param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public static async Task<Outcome<DeviceLicenseReport>> ActivateAsync(
        DeviceLicense license, LicensingServiceClient client, KmsClientSettings kms, Action<IReadOnlyList<string>>? pinned, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(license);
        ArgumentNullException.ThrowIfNull(client);
        var loaded = license.LoadVerified();
        if (!loaded.IsSuccess)
        {
            return loaded.Refusal;
        }

        var stored = loaded.Value.License;
        if (license.OtherProduct(stored) is { } otherProduct)
        {
            return otherProduct;
        }

        switch (stored.KeyType)
        {
            case null:
                return license.NoKeyInstalled();
            case KeyType.Setup:
                return new Refusal(ErrorCatalogue.SetupKeyCannotActivate);
        }

        // First contact: a store that trusts no publisher key yet pins the ones its service publishes
        // only when the caller asked for trust on first use; otherwise it says how to give trust.
        if (!license.HasTrust(stored) && pinned is null)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed,
                "This device trusts no publisher key yet, so it cannot check an activation. Either put the publisher's keys in the trust directory " +
                "(/etc/productkeys/trust/*.pem, owned by root), or export them from a machine you trust ('pk publisher-keys export --service URL --out keys.pem') " +
                "and run again with --trust keys.pem, or run again with --trust-on-first-use to pin the keys the service publishes now (compare the printed fingerprints with the publisher's).");
        }

        if (!license.HasTrust(stored) && stored.ServiceUrl is { } publisher)
        {
            var pinnedKeys = await PinPublisherKeysAsync(license, client, publisher, cancellationToken).ConfigureAwait(false);
            if (!pinnedKeys.IsSuccess)
            {
                return pinnedKeys.Refusal;
            }

            pinned?.Invoke(pinnedKeys.Value);
        }

        if (stored.KeyType == KeyType.KmsClientSetup)
        {
            // A KMS client never activates against the licensing service: it asks its KMS host.
            return await KmsActivation.ActivateAsync(license, kms, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }

        if (stored.ServiceUrl is not { } service)
        {
            // An air-gapped device never knows one: the offline route is the other answer (as 'pk ipk' names it).
            var store = license.Store.Directory;
            return new Refusal(ErrorCatalogue.ValidationFailed,
                $"Say where the licensing service is: pk ato --store {store} --service URL (online), or without a network: "
                + $"pk dti REQUEST.json --store {store}, then pk atp on its response (offline).");
        }

        var hardware = license.CurrentHardwareId();
        if (!hardware.IsSuccess)
        {
            return hardware.Refusal;
        }

        // Refused by the service whatever the key: said here, without a request every retry interval.
        if (hardware.Value.BindingRefusal() is { } notOneDevice)
        {
            return notOneDevice;
        }

        if (await RefuseUntrustedSignerAsync(license, client, service, cancellationToken).ConfigureAwait(false) is { } untrusted)
        {
            return untrusted;
        }

        var answer = await client.ActivateAsync(service, new MakActivationRequest(stored.Key, stored.ProductId, hardware.Value.ToString()), cancellationToken).ConfigureAwait(false);
        if (!answer.IsSuccess)
        {
            return answer.Refusal;
        }

        var applied = license.ApplyCertificate(answer.Value.Certificate);
        if (applied.IsSuccess || applied.Refusal.Error != ErrorCatalogue.SignatureInvalid)
        {
            return applied;
        }

        // Signed by a key this device does not know yet: the publisher rotated (ADR 0024). Learn the key lists
        // (which also carry any withdrawal) and check the certificate again; only lists signed by a key the
        // device already trusts can make it verify.
        var published = await client.GetPublisherKeysAsync(service, cancellationToken).ConfigureAwait(false);
        if (!published.IsSuccess || published.Value.KeyLists is not { Count: > 0 } lists || !license.LearnPublisherKeys(lists).IsSuccess)
        {
            return applied;
        }

        return license.ApplyCertificate(answer.Value.Certificate);
    }

    /// <summary>
    /// Before anything is consumed: learns the key lists the service publishes (a rotation), then refuses when the key it signs
    /// with is still not trusted here (<see cref="ServiceSigningKey"/>): a wrong <c>--trust</c> used to cost an activation.
    /// </summary>
    private static async Task<Refusal?> RefuseUntrustedSignerAsync(DeviceLicense license, LicensingServiceClient client, Uri service, CancellationToken cancellationToken)
    {
        var published = await client.GetPublisherKeysAsync(service, cancellationToken).ConfigureAwait(false);
        if (published is { IsSuccess: true, Value.KeyLists: { Count: > 0 } lists })
        {
            _ = license.LearnPublisherKeys(lists); // lists signed by keys it does not trust teach nothing: checked below
        }

        var stored = license.LoadVerified();
        return stored.IsSuccess ? ServiceSigningKey.RefuseUntrusted(license.Trust(stored.Value.License), published, service) : stored.Refusal;
    }

    private static async Task<Outcome<IReadOnlyList<string>>> PinPublisherKeysAsync(
        DeviceLicense license, LicensingServiceClient client, Uri service, CancellationToken cancellationToken)
    {
        var keys = await client.GetPublisherKeysAsync(service, cancellationToken).ConfigureAwait(false);
        if (!keys.IsSuccess)
        {
            return keys.Refusal;
        }

        var pems = (keys.Value.Keys ?? []).Where(k => k?.Pem is not null).Select(k => k.Pem).ToList();
        var trusted = ParseTrust(pems);
        if (!trusted.IsSuccess)
        {
            return trusted.Refusal;
        }

        var configured = license.Configure(l => l with { TrustedKeys = pems });
        return configured.IsSuccess ? trusted.Value.Keys.Select(k => k.KeyId).ToList() : configured.Refusal;
    }

    /// <summary>Reads PEM public keys, refusing anything that is not one.</summary>
    public static Outcome<TrustedKeySet> ParseTrust(IEnumerable<string> pems)
    {
        ArgumentNullException.ThrowIfNull(pems);
        var keys = new List<TrustedKey>();
        foreach (var pem in pems)
        {
            if (!TrustedKey.TryFromPem(pem, out var key, out var problem))
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, $"Not a publisher public key (PEM): {problem}");
            }

            keys.Add(key);
        }

        return keys.Count == 0 ? new Refusal(ErrorCatalogue.ValidationFailed, "No publisher key was given.") : new TrustedKeySet(keys);
    }
}
