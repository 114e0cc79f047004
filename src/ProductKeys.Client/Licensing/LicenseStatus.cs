using ProductKeys.Core.Keys;

namespace ProductKeys.Client.Licensing;

/// <summary>What a product needs to know at start-up: its state and what to tell the user.</summary>
/// <param name="State">The license state.</param>
/// <param name="ProductId">The product.</param>
/// <param name="KeyType">The installed key's type, or <c>null</c>.</param>
/// <param name="PartialKey">The last 5 characters of the installed key, or <c>null</c>.</param>
/// <param name="Expires">When a Licensed state lapses; <c>null</c> when permanent or not licensed.</param>
/// <param name="GraceEnds">When the current grace period ends; <c>null</c> outside grace.</param>
/// <param name="RearmsLeft">Rearms left; <c>null</c> when unlimited (KMS clients).</param>
/// <param name="ClockRollbackDetected">The device clock was moved back past a time it had already seen.</param>
/// <param name="Message">One sentence for the user, in English, naming no tool: a product may show it or its own words for <see cref="Code"/>.</param>
public sealed record LicenseStatus(
    LicenseState State,
    string? ProductId,
    KeyType? KeyType,
    string? PartialKey,
    DateTimeOffset? Expires,
    DateTimeOffset? GraceEnds,
    int? RearmsLeft,
    bool ClockRollbackDetected,
    string Message)
{
    /// <summary>True when the product should remind the user to activate.</summary>
    public bool ShouldRemindUser => State is LicenseState.InitialGrace or LicenseState.OutOfToleranceGrace or LicenseState.Notification;

    /// <summary>
    /// Why the product is in this state, as a catalogue code a product can map to its own words; <c>null</c> when the
    /// state says it all (Licensed, Unlicensed, InitialGrace on a fresh install):
    /// <c>HARDWARE_OUT_OF_TOLERANCE</c> (the hardware changed: OutOfToleranceGrace, then Notification),
    /// <c>CERTIFICATE_EXPIRED</c> (a KMS activation lapsed: the same), <c>GRACE_EXPIRED</c> (never activated and the
    /// initial grace is over), <c>SIGNATURE_INVALID</c> (the stored activation does not verify: InitialGrace or
    /// Notification), <c>STORE_TAMPERED</c>, and from <c>ProductLicense.Status()</c> a store that cannot be used
    /// (<c>STORE_INVALID</c>, <c>KEY_NOT_FOR_PRODUCT</c>, …).
    /// </summary>
    public string? Code { get; init; }

    /// <summary>
    /// For logs and support, when <see cref="ProductLicense.Status"/> could not use the store (<see cref="Code"/>
    /// <c>STORE_INVALID</c>, <c>KEY_NOT_FOR_PRODUCT</c>, …): the refusal's detail, which may name files and
    /// <c>pk</c> commands an operator runs; <c>null</c> otherwise. Not for the product's users: show <see cref="Message"/>.
    /// </summary>
    public string? Detail { get; init; }
}
