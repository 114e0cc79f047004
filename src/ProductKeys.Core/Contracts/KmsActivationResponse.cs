namespace ProductKeys.Core.Contracts;

/// <summary>
/// A KMS host's answer to a counted request (docs/formats/kms-protocol-v1.md). Below the threshold
/// it carries <see cref="Activated"/> = false and <see cref="Code"/> = <c>KMS_COUNT_INSUFFICIENT</c>.
/// </summary>
/// <param name="Activated">True when the client certificate is attached.</param>
/// <param name="Code">Null when activated; otherwise the reason, <c>KMS_COUNT_INSUFFICIENT</c>.</param>
/// <param name="Count">Distinct clients of the product seen in the last 30 days (capped), this one included.</param>
/// <param name="Threshold">The product's activation threshold.</param>
/// <param name="RenewalIntervalMinutes">How often an activated client renews.</param>
/// <param name="RetryIntervalMinutes">How soon a not-yet-activated client (or a failed renewal) retries.</param>
/// <param name="HostId">The answering host's ID.</param>
/// <param name="HostTime">The host's clock.</param>
/// <param name="ClientCertificate">The client certificate signed by the host, when activated.</param>
/// <param name="HostCertificate">The host certificate signed by the publisher, when activated.</param>
/// <param name="PublisherKeyLists">
/// The publisher's signed key lists the host learned at its activation (docs/formats/publisher-key-list-v1.md):
/// how a client that trusts an earlier publisher key learns the one that signed the host certificate. <c>null</c>: none.
/// </param>
public sealed record KmsActivationResponse(
    bool Activated,
    string? Code,
    int Count,
    int Threshold,
    int RenewalIntervalMinutes,
    int RetryIntervalMinutes,
    string HostId,
    DateTimeOffset HostTime,
    string? ClientCertificate,
    string? HostCertificate,
    IReadOnlyList<string>? PublisherKeyLists = null);
