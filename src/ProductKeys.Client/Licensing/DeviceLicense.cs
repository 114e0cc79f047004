using ProductKeys.Client.Store;
using ProductKeys.Core.Catalog;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Licensing;

/// <summary>
/// The license of one product on this device: what a product calls at start-up
/// (<see cref="Status"/>: "what is my state, and what should I tell the user"), and what <c>pk</c>
/// calls to install keys and activate. Every call reads the store, re-checks the activation
/// (signature, product, hardware), applies the timers of docs/product.md §3 and writes back what changed.
/// </summary>
public sealed class DeviceLicense
{
    private readonly TimeProvider _time;
    private readonly IHardwareSource _hardware;

    /// <summary>
    /// Opens the license kept in <paramref name="store"/>, trusting the publisher keys pinned in it — only
    /// while the store's MAC verifies (a copied or edited list is dropped, ADR 0019).
    /// </summary>
    public DeviceLicense(LicenseStore store, TimeProvider time, IHardwareSource hardware)
        : this(store, time, hardware, trustAnchors: null)
    {
    }

    /// <summary>
    /// Opens the license kept in <paramref name="store"/>. With <paramref name="trustAnchors"/> (the
    /// publisher keys a product embeds), certificates are verified against those keys only: whatever
    /// the store's own trusted-key list says neither widens nor replaces them.
    /// </summary>
    public DeviceLicense(LicenseStore store, TimeProvider time, IHardwareSource hardware, TrustedKeySet? trustAnchors)
    {
        Store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        Monotonic = ReferenceEquals(time, TimeProvider.System) ? MonotonicClock.System : MonotonicClock.From(time);
        _hardware = hardware ?? throw new ArgumentNullException(nameof(hardware));
        TrustAnchors = trustAnchors;
    }

    /// <summary>The publisher keys given in code, or <c>null</c> when the store's list is trusted.</summary>
    public TrustedKeySet? TrustAnchors { get; }

    /// <summary>The monotonic clock the high-water mark advances by (tests give a fake one).</summary>
    internal MonotonicClock Monotonic { get; init; } = MonotonicClock.System;

    /// <summary>The store this license lives in.</summary>
    public LicenseStore Store { get; }

    /// <summary>
    /// The one product this license may answer for (a product's <see cref="ProductLicense"/>); <c>null</c>: whatever
    /// product the store holds (<c>pk</c>). A store holding another product's key (a copied folder, a shared store)
    /// is refused, never read as this product's activation.
    /// </summary>
    internal string? ExpectedProductId { get; init; }

    /// <summary><c>KEY_NOT_FOR_PRODUCT</c> when the store holds a key for a product other than <see cref="ExpectedProductId"/>.</summary>
    internal Refusal? OtherProduct(StoredLicense license) =>
        ExpectedProductId is { } expected && license.Key is not null && license.ProductId is { } held && held != expected
            ? new Refusal(ErrorCatalogue.KeyNotForProduct,
                $"The license store {Store.Directory} holds a key for product '{held}', not '{expected}': install a key for '{expected}'.")
            : null;

    /// <summary>
    /// <c>STORE_INVALID</c> for a store without a key, naming the folder: a mistyped <c>--store</c>, or one relative to
    /// another working folder, is such a store, and only its path tells the user so.
    /// </summary>
    internal Refusal NoKeyInstalled() => new(ErrorCatalogue.StoreInvalid,
        $"No key is installed in the license store {Store.Directory}: check --store, or install one with 'pk ipk KEY --product ID --store {Store.Directory}' first.");

    /// <summary>The current state, with the facts behind it. Persists the clock high-water mark.</summary>
    public Outcome<DeviceLicenseReport> Status() => Change(license => license, mustPersist: false);

    /// <summary>
    /// The checks <see cref="InstallKey"/> makes of the key alone, offline: its format and checksum, and that it is a key a
    /// device installs (not a KMS host key). A command runs them before it saves any other setting, so a refused key changes nothing.
    /// </summary>
    public static Outcome<ProductKey> ParseInstallableKey(string key)
    {
        var parsed = ProductKey.Parse(key);
        if (!parsed.IsSuccess)
        {
            return parsed.Refusal;
        }

        return parsed.Value.Type == KeyType.KmsHost
            ? new Refusal(ErrorCatalogue.KeyWrongUse, "This is a KMS host key: it activates a KMS host ('pk kms-host activate'), not a device.")
            : parsed.Value;
    }

    /// <summary>
    /// Installs a key (checked offline: format and checksum). Grace starts at the first install and
    /// does not restart when keys are swapped or reinstalled.
    /// </summary>
    public Outcome<DeviceLicenseReport> InstallKey(string key, string? productId)
    {
        var parsed = ParseInstallableKey(key);
        if (!parsed.IsSuccess)
        {
            return parsed.Refusal;
        }

        return Change(license =>
        {
            var product = productId ?? license.ProductId;
            if (string.IsNullOrWhiteSpace(product))
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, "Say which product the key is for: --product ID.");
            }

            if (!ProductIds.IsValid(product))
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, $"--product must be a product ID ({ProductIds.Rule}).");
            }

            var now = _time.GetUtcNow();
            var text = parsed.Value.ToString();
            var sameKey = text == license.Key && product == license.ProductId;
            var sameType = sameKey && parsed.Value.Type == license.KeyType;
            return license with
            {
                // Another key starts its own schedule: the old key's next attempt and its KMS host's
                // intervals say nothing about it (a MAK replacing a KMS key activates at the next pass).
                NextRenewalDue = sameType ? license.NextRenewalDue : null,
                KmsRenewalInterval = sameType ? license.KmsRenewalInterval : null,
                KmsRetryInterval = sameType ? license.KmsRetryInterval : null,
                ProductId = product,
                Key = text,
                KeyType = parsed.Value.Type,
                InstalledAt = license.InstalledAt ?? now,
                GraceStartedAt = license.GraceStartedAt ?? now,
                LimitedGraceStartedAt = license.LimitedGraceStartedAt ?? license.GraceStartedAt ?? now,
                Activation = sameKey ? license.Activation : null,
                OutOfToleranceSince = sameKey ? license.OutOfToleranceSince : null,
            };
        });
    }

    /// <summary>
    /// Removes the key and its activation: the device becomes Unlicensed. Timers and rearms are kept. A store that cannot be
    /// read as one (STORE_INVALID: cut short, hand-edited) is set aside (<see cref="LicenseStore.SetAsideIfDamaged"/>) and the
    /// device starts over without it, as on a new machine (deleting the file did the same): the repair its message names.
    /// </summary>
    public Outcome<DeviceLicenseReport> UninstallKey()
    {
        SetAsideDamagedStore(keepNewerFormat: false);
        return Change(license => license with { Key = null, KeyType = null, Activation = null, OutOfToleranceSince = null });
    }

    /// <summary>
    /// Under the store's lock, moves a store file that cannot be read as one aside (<see cref="LicenseStore.SetAsideIfDamaged"/>):
    /// what uninstalling does, and what a product's <c>InstallKey</c> does, keeping a newer version's store.
    /// </summary>
    internal void SetAsideDamagedStore(bool keepNewerFormat)
    {
        using var storeLock = Store.Lock();
        if (storeLock is not null)
        {
            Store.SetAsideIfDamaged(_time.GetUtcNow(), keepNewerFormat);
        }
    }

    /// <summary>
    /// Resets the grace timers; 3 times per device, counted across key changes, and as often as wanted while a
    /// KMS client setup key is installed (a MAK or setup key installed later does not inherit that grace).
    /// </summary>
    public Outcome<DeviceLicenseReport> Rearm() => Change(license =>
    {
        if (license.Key is null)
        {
            return NoKeyInstalled();
        }

        if (LicenseEvaluator.RearmsLeft(license) == 0)
        {
            return new Refusal(ErrorCatalogue.RearmLimitReached);
        }

        var now = EffectiveNow(license);
        // The device has 3 rearms whatever key it holds; one past them (a KMS client's) restarts only the
        // KMS client's grace, so a MAK or setup key installed afterwards does not run on it.
        var withinLimit = license.RearmsUsed < LicensePolicy.MaxRearms;
        return license with
        {
            RearmsUsed = license.RearmsUsed == int.MaxValue ? int.MaxValue : Math.Max(0, license.RearmsUsed) + 1,
            GraceStartedAt = now,
            LimitedGraceStartedAt = withinLimit ? now : license.LimitedGraceStartedAt ?? license.GraceStartedAt,
            OutOfToleranceSince = license.OutOfToleranceSince is null ? null : now,
        };
    });

    /// <summary>Changes a setting (service, trust, device ID, KMS host) and re-evaluates.</summary>
    public Outcome<DeviceLicenseReport> Configure(Func<StoredLicense, StoredLicense> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return Change(license => change(license));
    }

    /// <summary>
    /// Learns new publisher keys and withdrawals from signed key lists (docs/formats/publisher-key-list-v1.md,
    /// ADR 0024): a list counts only when a key this device trusts at that point signed it and its sequence is
    /// higher than the last one applied; lists that do not count are ignored. The lists that counted are kept in
    /// the store and re-verified from the trust anchors on every load, so an edited store cannot add a key.
    /// </summary>
    /// <param name="lists">Key lists as the service publishes them (any order; older ones may lead to newer ones).</param>
    /// <returns>The keys trusted now; or <c>VALIDATION_FAILED</c> when the device trusts no publisher key to start from.</returns>
    public Outcome<PublisherKeyTrust> LearnPublisherKeys(IEnumerable<string> lists)
    {
        ArgumentNullException.ThrowIfNull(lists);
        PublisherKeyTrust? result = null;
        var changed = Change(license =>
        {
            if (!HasTrust(license))
            {
                return new Refusal(ErrorCatalogue.ValidationFailed,
                    "This device trusts no publisher key yet, so it cannot check a key list: give it the publisher's keys first (the trust directory, --trust FILE or --trust-on-first-use).");
            }

            var anchors = TrustAnchors ?? StoredActivationVerifier.TrustedKeys(license);
            var before = PublisherKeyList.Apply(anchors, license.PublisherKeyLists, _time);
            var kept = before.Applied.ToList();
            var state = before;
            var pending = lists.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).ToList();
            for (var progress = true; progress;)
            {
                progress = false;
                foreach (var text in pending.ToList())
                {
                    var list = PublisherKeyList.Verify(text, state.Trusted, _time);
                    if (!list.IsSuccess)
                    {
                        continue; // another list may make its signer trusted
                    }

                    pending.Remove(text);
                    if (list.Value.Sequence > state.Sequence)
                    {
                        kept.Add(text);
                        state = PublisherKeyList.Apply(anchors, kept, _time);
                        progress = true;
                    }
                }
            }

            var was = before.Trusted.Keys.Select(k => k.KeyId).ToHashSet(StringComparer.Ordinal);
            var now = state.Trusted.Keys.Select(k => k.KeyId).ToList();
            result = new PublisherKeyTrust(state.Sequence, now, [.. now.Where(id => !was.Contains(id))], [.. was.Where(id => !now.Contains(id))]);
            return license with { PublisherKeyLists = kept.Count == 0 ? null : kept };
        });
        return changed.IsSuccess ? result! : changed.Refusal;
    }

    /// <summary>
    /// The publisher keys this device believes now, as its own certificates are verified: the anchors given in code (a product's
    /// embedded keys, the trust directory), else the keys pinned in the store while its MAC verifies (ADR 0019); then what the
    /// kept key lists add and withdraw (ADR 0024). For callers outside the store that verify with the device's trust (<c>pk cal
    /// request --store</c>). Reads only.
    /// </summary>
    /// <returns>The keys; <c>null</c> when the device trusts none (a store whose MAC fails pins none); or the store's refusal.</returns>
    public Outcome<TrustedKeySet?> TrustedPublisherKeys()
    {
        var loaded = LoadVerified();
        if (!loaded.IsSuccess)
        {
            return loaded.Refusal;
        }

        return HasTrust(loaded.Value.License) ? Trust(loaded.Value.License) : (TrustedKeySet?)null;
    }

    /// <summary>This device's hardware ID for the stored product (or the operator-supplied device ID).</summary>
    public Outcome<HardwareId> CurrentHardwareId()
    {
        var loaded = Store.Load();
        return loaded.IsSuccess ? CurrentHardwareId(loaded.Value, _hardware) : loaded.Refusal;
    }

    /// <summary>
    /// Stores a MAK activation certificate (from online or offline activation) after checking that
    /// it verifies against the trusted publisher keys, is for this product and for this device.
    /// </summary>
    public Outcome<DeviceLicenseReport> ApplyCertificate(string? certificateText) => Change((license, machine) =>
    {
        if (license.Key is null || license.ProductId is null)
        {
            return NoKeyInstalled();
        }

        if (!HasTrust(license))
        {
            return new Refusal(ErrorCatalogue.SignatureInvalid,
                "This device trusts no publisher key yet, so it cannot check the activation: give it the publisher's keys with --trust FILE " +
                "('pk offline activate' writes publisher-keys.pem next to the responses).");
        }

        var verified = ActivationCertificate.Verify(certificateText, Trust(license), _time);
        if (!verified.IsSuccess)
        {
            return verified.Refusal;
        }

        var certificate = verified.Value;
        if (license.KeyType != KeyType.Mak)
        {
            return license.KeyType == KeyType.Setup
                ? new Refusal(ErrorCatalogue.SetupKeyCannotActivate)
                : new Refusal(ErrorCatalogue.KeyWrongUse, "This device holds a KMS client setup key: it activates through its KMS host, not with a MAK certificate.");
        }

        if (certificate.PartialKey != license.Key[^5..])
        {
            return new Refusal(ErrorCatalogue.OfflineDataInvalid,
                $"The activation is for the key ending {certificate.PartialKey}, but this device holds the key ending {license.Key[^5..]}: request again with the installed key ('pk dti').");
        }

        var current = CurrentHardwareId(license, machine);
        if (!current.IsSuccess)
        {
            return current.Refusal;
        }

        if (certificate.ProductId != license.ProductId)
        {
            return new Refusal(ErrorCatalogue.OfflineDataInvalid, $"The activation is for product '{certificate.ProductId}', not '{license.ProductId}'.");
        }

        if (!HardwareId.TryParse(certificate.HardwareId, out var bound) || !HardwareId.Compare(bound, current.Value).IsSameDevice)
        {
            return new Refusal(ErrorCatalogue.OfflineDataInvalid, "The activation was made for another device: create a request on this device ('pk dti').");
        }

        return license with
        {
            Activation = new StoredActivation(ActivationKind.Mak, certificate.ActivationId, certificate.Text, certificate.HardwareId, _time.GetUtcNow(), null),
            OutOfToleranceSince = null,
            StoreTampered = false,
            // A signed server time may move the high-water mark (ADR 0019).
            ClockHighWater = license.ClockHighWater is { } mark && mark > certificate.IssuedAt ? mark : certificate.IssuedAt,
        };
    });

    /// <summary>
    /// Stores a KMS client certificate after verifying the chain offline (publisher → host certificate
    /// → client certificate), that it is for this product and client, and bound to this device.
    /// </summary>
    /// <param name="clientCertificate">The client certificate the host signed, text form.</param>
    /// <param name="hostCertificate">The host certificate the publisher signed, text form.</param>
    /// <param name="alsoChange">Further changes saved with it (e.g. the renewal schedule).</param>
    public Outcome<DeviceLicenseReport> ApplyKmsCertificate(string? clientCertificate, string? hostCertificate, Func<StoredLicense, StoredLicense>? alsoChange = null) =>
        Change((license, machine) =>
        {
            var current = CurrentHardwareId(license, machine);
            if (!current.IsSuccess)
            {
                return current.Refusal;
            }

            var activation = Kms.KmsCertificateCheck.ToActivation(license, current.Value, clientCertificate, hostCertificate, Trust(license), _time);
            if (!activation.IsSuccess)
            {
                return activation.Refusal;
            }

            var updated = license with { Activation = activation.Value, OutOfToleranceSince = null, StoreTampered = false };
            return alsoChange is null ? updated : alsoChange(updated);
        });

    /// <param name="change">What to change.</param>
    /// <param name="mustPersist">False for a plain status read: a store this user cannot write (e.g. one
    /// installed by an administrator) still answers, without recording the clock high-water mark.</param>
    private Outcome<DeviceLicenseReport> Change(Func<StoredLicense, Outcome<StoredLicense>> change, bool mustPersist = true) =>
        Change((license, _) => change(license), mustPersist);

    /// <param name="change">What to change, given this machine's hardware as read for this call.</param>
    /// <param name="mustPersist">As above.</param>
    private Outcome<DeviceLicenseReport> Change(Func<StoredLicense, IHardwareSource, Outcome<StoredLicense>> change, bool mustPersist = true)
    {
        // The hardware is read once, before the lock: each read walks procfs and sysfs (milliseconds), and three of them
        // under the lock made 200 callers of one store wait their turn near its 10-second limit (found by a load review).
        var machine = new ReadOnce(_hardware.Read());
        // Load, change and save under the store's lock: 'pk ato' and a product reading its status at
        // the same moment must not overwrite each other (a stored activation would be lost).
        // A read of a store folder that does not exist makes none ('pk dli --store typo' created the folder; found by a new user's walkthrough).
        var taken = mustPersist || System.IO.Directory.Exists(Store.Directory) ? Store.TakeLock() : (Outcome<IDisposable>?)null;
        using var storeLock = taken is { IsSuccess: true } held ? held.Value : null;
        if (storeLock is null && mustPersist)
        {
            return Store.NotAFolder() ?? taken!.Value.Refusal!;
        }

        var loaded = LoadVerified(machine);
        if (!loaded.IsSuccess)
        {
            return loaded.Refusal;
        }

        var changed = change(loaded.Value.License, machine);
        if (!changed.IsSuccess)
        {
            return changed.Refusal;
        }

        var license = changed.Value;
        if (OtherProduct(license) is { } otherProduct)
        {
            return otherProduct;
        }

        var clock = new HighWaterTimeProvider(_time, license.ClockHighWater);
        HardwareId? current = license.ProductId is not null && CurrentHardwareId(license, machine) is { IsSuccess: true } hardware ? hardware.Value : null;
        var (check, detail) = StoredActivationVerifier.Check(license, current, clock, Trust(license));
        var (status, evaluated) = LicenseEvaluator.Evaluate(license, _time.GetUtcNow(), check, Monotonic.Read());
        var updated = Seal(evaluated, machine);
        if ((updated != loaded.Value.License || loaded.Value.MustSave) && storeLock is not null && Store.Save(updated) is { } refusal && mustPersist)
        {
            return refusal;
        }

        return new DeviceLicenseReport(status, updated, current?.ToString(), check, detail);
    }

    /// <summary>
    /// Reads the store and checks its MAC. A v3 (or v2) store whose MAC does not verify is marked tampered: its
    /// pinned keys are dropped and it is Notification until a fresh activation verifies (never a fresh
    /// grace). A v1 store (no MAC yet) is read once without its pinned keys, which nothing protected,
    /// and sealed on this save. <c>MustSave</c>: the file must be rewritten even if nothing else changed.
    /// </summary>
    internal Outcome<(StoredLicense License, bool MustSave)> LoadVerified() => LoadVerified(_hardware);

    private Outcome<(StoredLicense License, bool MustSave)> LoadVerified(IHardwareSource machine)
    {
        var loaded = Store.Load();
        if (!loaded.IsSuccess)
        {
            return loaded.Refusal;
        }

        var license = loaded.Value;
        if (!Store.Exists)
        {
            return (license, false);
        }

        if (license.FormatVersion == 1)
        {
            return (license with { TrustedKeys = [], Mac = null }, true);
        }

        // A v2 store is read once under the key it was sealed with and written back as v3, bound to
        // this machine (docs/formats/license-store-v3.md, "Upgrade from v2").
        if (license.FormatVersion == 2)
        {
            return StoreSeal.DeriveKeysV2(license, machine).Any(key => StoreSeal.Verify(license, key)) ? (license, true) : Tampered(license);
        }

        if (StoreSeal.Verify(license, SealKey(license, machine)))
        {
            return (license, false);
        }

        // Sealed by root, before the key left out what only root can read: verified under that once, sealed again.
        if (StoreSeal.RootOnlyIdentity(machine) is { } rootOnly
            && StoreSeal.Verify(license, StoreSeal.DeriveKey(rootOnly, license.DeviceId, license.ProductId)))
        {
            return (license, true);
        }

        return Tampered(license);
    }

    /// <remarks>
    /// The next KMS attempt is due at once: the stored activation is no longer believed, so a moved store with a device
    /// ID (a pod on another node with its volume) must not wait for a renewal due days away to be activated again.
    /// </remarks>
    private static (StoredLicense License, bool MustSave) Tampered(StoredLicense license) => (license with
    {
        StoreTampered = true,
        NextRenewalDue = null,
        TrustedKeys = [],
        InstalledAt = DateTimeOffset.UnixEpoch,
        GraceStartedAt = DateTimeOffset.UnixEpoch,
        LimitedGraceStartedAt = DateTimeOffset.UnixEpoch,
        Mac = null,
    }, true);

    /// <summary>The license with its MAC, as it is written.</summary>
    internal StoredLicense Seal(StoredLicense license) => Seal(license, _hardware);

    private static StoredLicense Seal(StoredLicense license, IHardwareSource machine) => StoreSeal.Seal(license, SealKey(license, machine));

    private static byte[] SealKey(StoredLicense license, IHardwareSource machine) =>
        StoreSeal.DeriveKey(StoreSeal.MachineIdentity(machine), license.DeviceId, license.ProductId);

    /// <summary>True when certificates can be checked: trust anchors were given, or the store pins keys.</summary>
    internal bool HasTrust(StoredLicense license) => TrustAnchors is not null || license.TrustedKeys.Count > 0;

    /// <summary>
    /// The keys certificates are verified against: the anchors when given, else the store's pinned keys; then
    /// what the kept publisher key lists add and withdraw, each verified from there (ADR 0024).
    /// </summary>
    internal TrustedKeySet Trust(StoredLicense license) =>
        PublisherKeyList.Apply(TrustAnchors ?? StoredActivationVerifier.TrustedKeys(license), license.PublisherKeyLists, _time).Trusted;

    private static Outcome<HardwareId> CurrentHardwareId(StoredLicense license, IHardwareSource machine)
    {
        if (license.ProductId is null)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, "No product is set: install a key with --product ID.");
        }

        return license.DeviceId is { } deviceId
            ? HardwareId.FromDeviceId(deviceId, license.ProductId)
            : HardwareId.Create(machine.Read(), license.ProductId);
    }

    private DateTimeOffset EffectiveNow(StoredLicense license) => new HighWaterTimeProvider(_time, license.ClockHighWater).GetUtcNow();

    /// <summary>This machine's hardware as read once for one call.</summary>
    private sealed class ReadOnce(HardwareComponents components) : IHardwareSource
    {
        public HardwareComponents Read() => components;
    }
}
