using ProductKeys.Client.Store;

namespace ProductKeys.Client.Licensing;

/// <summary>The status plus the facts behind it, for verbose displays (<c>pk dlv</c>).</summary>
/// <param name="Status">What the product should act on.</param>
/// <param name="Stored">The license store's contents after this evaluation.</param>
/// <param name="HardwareId">This device's current hardware ID for the product, if it could be read.</param>
/// <param name="Check">What re-checking the stored activation found.</param>
/// <param name="CheckDetail">Why an activation did not hold, when it did not.</param>
public sealed record DeviceLicenseReport(
    LicenseStatus Status,
    StoredLicense Stored,
    string? HardwareId,
    ActivationCheck Check,
    string? CheckDetail);
