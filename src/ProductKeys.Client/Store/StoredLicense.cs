using ProductKeys.Core.Keys;

namespace ProductKeys.Client.Store;

/// <summary>
/// Everything a device remembers about one product's license (file format v3, docs/formats/license-store-v3.md;
/// v1 and v2 stores are read once and sealed as v3 on the first save).
/// Immutable: every change produces a new value that the store writes atomically.
/// </summary>
public sealed record StoredLicense
{
    /// <summary>File format version.</summary>
    public int FormatVersion { get; init; } = StoreSeal.Version;

    /// <summary>The product id in the publisher's catalog.</summary>
    public string? ProductId { get; init; }

    /// <summary>The installed key, or <c>null</c> when none is installed.</summary>
    public string? Key { get; init; }

    /// <summary>The installed key's type.</summary>
    public KeyType? KeyType { get; init; }

    /// <summary>Where the licensing service is.</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>
    /// This store with <paramref name="serviceUrl"/> as its service (<c>null</c>: unchanged). A MAK's next attempt becomes due at once
    /// when the service changes: a refusal by another service (a KEY_UNKNOWN from a wrong URL, asked about again after 7 days) says
    /// nothing of this one (docs/adr/0012-client-package-and-renewal.md).
    /// </summary>
    /// <param name="serviceUrl">The licensing service to use from now on.</param>
    public StoredLicense WithServiceUrl(Uri? serviceUrl) =>
        serviceUrl is null || serviceUrl == ServiceUrl ? this
        : this with { ServiceUrl = serviceUrl, NextRenewalDue = KeyType == Core.Keys.KeyType.Mak ? null : NextRenewalDue };

    /// <summary>Operator-supplied stable device id, used instead of hardware components.</summary>
    public string? DeviceId { get; init; }

    /// <summary>KMS host pinned with <c>pk skms</c>, as host[:port].</summary>
    public string? KmsHost { get; init; }

    /// <summary>
    /// Publisher public keys pinned in this store (PEM) by an explicit <c>--trust FILE</c> or
    /// <c>--trust-on-first-use</c>; believed only while the store's MAC verifies.
    /// </summary>
    public IReadOnlyList<string> TrustedKeys { get; init; } = [];

    /// <summary>When the key was first installed (starts initial grace).</summary>
    public DateTimeOffset? InstalledAt { get; init; }

    /// <summary>When the current grace period started; set by install and by rearm.</summary>
    public DateTimeOffset? GraceStartedAt { get; init; }

    /// <summary>
    /// When the grace a MAK or setup key runs on started: set with <see cref="GraceStartedAt"/> by install and
    /// by the device's first 3 rearms, not by the further rearms only a KMS client may make, so installing a
    /// MAK after them does not carry their grace over (docs/product.md §3). <c>null</c>: <see cref="GraceStartedAt"/>.
    /// </summary>
    public DateTimeOffset? LimitedGraceStartedAt { get; init; }

    /// <summary>When the device first noticed its activation no longer holds (out-of-tolerance grace start).</summary>
    public DateTimeOffset? OutOfToleranceSince { get; init; }

    /// <summary>Rearms used so far.</summary>
    public int RearmsUsed { get; init; }

    /// <summary>The latest time this device has seen; the clock may not go back past it.</summary>
    public DateTimeOffset? ClockHighWater { get; init; }

    /// <summary>The boot (Linux boot_id) whose monotonic clock <see cref="ClockMonotonicMs"/> was read on.</summary>
    public string? ClockBootId { get; init; }

    /// <summary>Milliseconds on that boot's monotonic clock when <see cref="ClockHighWater"/> was last confirmed.</summary>
    public long? ClockMonotonicMs { get; init; }

    /// <summary>True once the store was found edited outside ProductKeys (its MAC did not verify): <c>STORE_TAMPERED</c>.</summary>
    public bool StoreTampered { get; init; }

    /// <summary>True once the clock was seen going back past <see cref="ClockHighWater"/>.</summary>
    public bool ClockRollbackDetected { get; init; }

    /// <summary>The activation, or <c>null</c> when the device has not activated.</summary>
    public StoredActivation? Activation { get; init; }

    /// <summary>KMS: this installation's client machine ID, created at the first KMS request.</summary>
    public string? KmsClientMachineId { get; init; }

    /// <summary>KMS: the domain whose <c>_pk-kms._tcp</c> SRV records name the hosts (<c>--kms-domain</c>).</summary>
    public string? KmsDomain { get; init; }

    /// <summary>KMS: the discovered host (host:port) that answered last; tried first next time.</summary>
    public string? KmsCachedHost { get; init; }

    /// <summary>KMS: renewal interval the host asked for (bounded 15 minutes to 30 days); default 7 days.</summary>
    public TimeSpan? KmsRenewalInterval { get; init; }

    /// <summary>KMS: retry interval the host asked for (bounded 15 minutes to 30 days); default 2 hours.</summary>
    public TimeSpan? KmsRetryInterval { get; init; }

    /// <summary>KMS: when the next activation attempt or renewal is due; <c>null</c>: now.</summary>
    public DateTimeOffset? NextRenewalDue { get; init; }

    /// <summary>
    /// TLS: pins of the server keys this device trusts (<c>--pin-sha256</c>, docs/operations.md "TLS"),
    /// for the service and KMS hosts; <c>null</c>: none (absent from the file).
    /// </summary>
    public IReadOnlyList<string>? TlsPins { get; init; }

    /// <summary>TLS: CA certificates (PEM) that replace the system store for this device (<c>--ca</c>); <c>null</c>: the system store.</summary>
    public string? TlsCertificateAuthorities { get; init; }

    /// <summary>
    /// Signed publisher key lists this device applied (exact text, oldest first; docs/formats/publisher-key-list-v1.md):
    /// re-verified from the trust anchors on every load, so they add keys only through a chain of signatures.
    /// <c>null</c>: none (absent from the file).
    /// </summary>
    public IReadOnlyList<string>? PublisherKeyLists { get; init; }

    /// <summary>HMAC-SHA256 over the rest of the store (docs/formats/license-store-v3.md), lower-case hex.</summary>
    public string? Mac { get; init; }
}
