namespace ProductKeys.KmsHost.Activation;

/// <summary>
/// The answer <c>pk offline activate</c> writes for a KMS host request and <c>pk kms-host activate
/// --offline-response FILE</c> installs (format <c>pk-kms-host-response-v1</c>): the host certificate,
/// or the refusal with its stable code.
/// </summary>
/// <param name="Format">Always <see cref="FormatV1"/>.</param>
/// <param name="HostId">The host the request came from.</param>
/// <param name="HostCertificate">The host certificate signed by the publisher, when activated.</param>
/// <param name="Code">The refusal code, when refused.</param>
/// <param name="Detail">The refusal detail, when refused.</param>
/// <param name="PublisherKeyLists">
/// The publisher's signed key lists, when activated (docs/formats/publisher-key-list-v1.md): how a data folder that trusts an
/// earlier key learns the one that signed the host certificate (ADR 0024). <c>null</c> in files from before they were carried.
/// </param>
public sealed record KmsHostOfflineResponse(string? Format, string? HostId, string? HostCertificate, string? Code, string? Detail, IReadOnlyList<string>? PublisherKeyLists = null)
{
    /// <summary>The format tag.</summary>
    public const string FormatV1 = "pk-kms-host-response-v1";
}
