using System.Security.Cryptography;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;

namespace ProductKeys.Client.Kms;

/// <summary>
/// The KMS client (docs/product.md §3, §4): finds a host, sends the request, and stores the client certificate
/// only after verifying the chain publisher → host → client offline. Every attempt sets when the
/// next one is due (<see cref="StoredLicense.NextRenewalDue"/>).
/// </summary>
public static class KmsActivation
{
    /// <summary>Activates or renews now (<c>pk ato</c> on a KMS client).</summary>
    /// <returns>
    /// The new status; <c>KMS_COUNT_INSUFFICIENT</c> while the host has not seen enough clients
    /// (the client retries later by itself); <c>KMS_UNREACHABLE</c> when no host answered; or why a
    /// host's certificate was refused.
    /// </returns>
    public static async Task<Outcome<DeviceLicenseReport>> ActivateAsync(
        DeviceLicense license, KmsClientSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(license);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        var prepared = Prepare(license);
        if (!prepared.IsSuccess)
        {
            return prepared.Refusal;
        }

        var (stored, status) = prepared.Value;
        var hardware = license.CurrentHardwareId();
        if (!hardware.IsSuccess)
        {
            // Like any failed attempt: the next one is a retry interval away, not at once.
            return Failed(license, stored, time, hardware.Refusal, cachedHost: null);
        }

        var candidates = await KmsHostLocator.CandidatesAsync(stored, settings.Resolver, settings.Domain, null, cancellationToken).ConfigureAwait(false);
        Refusal? last = null;
        Refusal? notYet = null;
        KmsActivationResponse? notYetAnswer = null;
        foreach (var host in candidates)
        {
            var request = new KmsActivationRequest(stored.KmsClientMachineId, stored.ProductId, status.State.ToString(), hardware.Value.ToString(), time.GetUtcNow(),
                KmsCertificateCheck.KeyGroup(stored));
            var answer = await settings.Transport.SendAsync(host, request, cancellationToken).ConfigureAwait(false);
            if (!answer.IsSuccess)
            {
                last = answer.Refusal;
                if (IsWorthTheNextHost(answer.Refusal))
                {
                    continue;
                }

                return Failed(license, stored, time, answer.Refusal, cachedHost: null);
            }

            var a = answer.Value;
            if (!a.Activated)
            {
                // "Not yet" carries no certificate: anyone on the network can answer it. So it does not end the attempt
                // (counts are per host: the next one may be past its threshold), it is not cached as the host to ask
                // first, and of its intervals only a shorter retry is taken (KmsSchedule.WithUnsignedRetry).
                notYet ??= new Refusal(ErrorCatalogue.KmsCountInsufficient,
                    $"KMS host {host} has seen {a.Count} of the {a.Threshold} devices it needs; the product's renewal loop or 'pk agent' tries again at the next retry, or run 'pk renew'.");
                notYetAnswer ??= a;
                continue;
            }

            // A host activated after a publisher key rotation carries the key lists that introduce its signer (ADR 0024).
            if (a.PublisherKeyLists is { Count: > 0 } lists)
            {
                license.LearnPublisherKeys(lists);
            }

            var now = time.GetUtcNow();
            var applied = license.ApplyKmsCertificate(a.ClientCertificate, a.HostCertificate,
                l => KmsSchedule.Succeeded(KmsSchedule.WithHostIntervals(l, a) with { KmsCachedHost = l.KmsHost is null ? host.ToString() : l.KmsCachedHost }, now));
            if (applied.IsSuccess)
            {
                return applied;
            }

            // A host whose certificate does not verify cannot activate anyone; another host may.
            last = new Refusal(applied.Refusal.Error, $"KMS host {host}: {applied.Refusal.Detail}");
        }

        return Failed(license, stored, time, notYet ?? last ?? new Refusal(ErrorCatalogue.KmsUnreachable,
            "No KMS host is pinned and DNS names none (_pk-kms._tcp SRV): set one with 'pk skms HOST[:PORT]' or give --kms-domain."), cachedHost: null, notYetAnswer);
    }

    private static Outcome<(StoredLicense Stored, LicenseStatus Status)> Prepare(DeviceLicense license)
    {
        var verified = license.LoadVerified();
        if (!verified.IsSuccess)
        {
            return verified.Refusal;
        }

        Outcome<StoredLicense> loaded = verified.Value.License;

        if (loaded.Value.KeyType != KeyType.KmsClientSetup || loaded.Value.ProductId is null)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, "No KMS client setup key is installed: install one with 'pk ipk KEY --product ID'.");
        }

        if (!license.HasTrust(loaded.Value))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed,
                "This store trusts no publisher key, so it cannot check a KMS host's certificate: give the publisher's keys with --trust FILE.");
        }

        // One CMID per store, chosen under the store's lock from the store as it is then: another process
        // ('pk ato' twice at once, the product's renewal loop) may have chosen it since this one loaded.
        var status = loaded.Value.KmsClientMachineId is null
            ? license.Configure(l => l.KmsClientMachineId is null ? l with { KmsClientMachineId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) } : l)
            : license.Status();
        return status.IsSuccess ? (status.Value.Stored, status.Value.Status) : status.Refusal;
    }

    private static bool IsWorthTheNextHost(Refusal refusal) =>
        refusal.Error == ErrorCatalogue.KmsUnreachable
        || refusal.Error == ErrorCatalogue.TlsUntrusted
        || refusal.Error == ErrorCatalogue.KmsHostNotActivated
        || refusal.Error == ErrorCatalogue.KmsProductNotCovered;

    private static Outcome<DeviceLicenseReport> Failed(
        DeviceLicense license, StoredLicense tried, TimeProvider time, Refusal refusal, string? cachedHost, KmsActivationResponse? unsignedAnswer = null)
    {
        var now = time.GetUtcNow();
        var saved = license.Configure(l =>
        {
            // Only for the key tried: one installed meanwhile ('pk ipk', the product's InstallKey) keeps its own schedule.
            if (!KmsSchedule.HoldsTheKeyTried(l, tried))
            {
                return l;
            }

            var withIntervals = unsignedAnswer is null ? l : KmsSchedule.WithUnsignedRetry(l, unsignedAnswer);
            return KmsSchedule.Failed(withIntervals, now) with { KmsCachedHost = cachedHost ?? (refusal.Error == ErrorCatalogue.KmsUnreachable ? null : l.KmsCachedHost) };
        });
        return saved.IsSuccess ? refusal : saved.Refusal;
    }
}
