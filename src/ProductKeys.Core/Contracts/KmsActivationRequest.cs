namespace ProductKeys.Core.Contracts;

/// <summary>
/// Body of a KMS client's <c>POST /kms/v1/activate</c> (docs/formats/kms-protocol-v1.md). Every member
/// is nullable so missing fields are answered with <c>VALIDATION_FAILED</c>, never a crash.
/// </summary>
/// <param name="Cmid">Client machine ID: a random id the device keeps in its license store.</param>
/// <param name="Product">The product id.</param>
/// <param name="ClientState">The device's license state (e.g. <c>InitialGrace</c>, <c>Licensed</c>).</param>
/// <param name="HardwareId">The device's hardware ID for the product (text form; hashes only).</param>
/// <param name="ClientTime">The device's clock when it sent the request.</param>
/// <param name="KeyGroup">
/// The key group of the installed KMS client setup key, so the host refuses a key of another product
/// (<c>KEY_NOT_FOR_PRODUCT</c>); <c>null</c> from clients that predate it.
/// </param>
public sealed record KmsActivationRequest(string? Cmid, string? Product, string? ClientState, string? HardwareId, DateTimeOffset? ClientTime, int? KeyGroup = null);
