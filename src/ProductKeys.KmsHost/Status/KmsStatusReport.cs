namespace ProductKeys.KmsHost.Status;

/// <summary>What <c>pk kms-host status</c> shows (docs/product.md §4).</summary>
/// <param name="HostId">The host's ID, or <c>null</c> before its first start or activation.</param>
/// <param name="Activated">True when a host certificate holds.</param>
/// <param name="ActivationDetail">Why not, or what the certificate says.</param>
/// <param name="BillingAccount">The account the host key was sold to.</param>
/// <param name="CertificateExpires">When the host certificate expires; <c>null</c> when permanent or absent.</param>
/// <param name="Products">Count and threshold per product.</param>
/// <param name="Running">True while a host serves the data folder (it holds <c>kms.lock</c>).</param>
/// <param name="Listening">The addresses the host listens on, or last listened on when it is not running.</param>
/// <param name="Port">The port it last listened on.</param>
/// <param name="Requests">Client requests answered, in total.</param>
/// <param name="Failed">Requests refused.</param>
/// <param name="Activations">Client certificates issued (activations and renewals).</param>
/// <param name="ByClientState">Requests by the license state the client reported.</param>
/// <param name="FailedByCode">Refusals by code.</param>
/// <param name="OldestClient">The counted client seen longest ago.</param>
/// <param name="NewestClient">The client seen most recently.</param>
/// <param name="Warnings">Things an administrator should look at, e.g. cloned images.</param>
/// <param name="PublisherKeys">The key IDs of the publisher keys the host trusts now (none before its first activation).</param>
/// <param name="KeyListSequence">The last publisher key list the host applied (0: none).</param>
/// <param name="BelowThreshold">Requests answered while the product's count was below its activation threshold (the client stays in its grace).</param>
public sealed record KmsStatusReport(
    string? HostId,
    bool Activated,
    string ActivationDetail,
    string? BillingAccount,
    DateTimeOffset? CertificateExpires,
    IReadOnlyList<KmsProductCount> Products,
    bool Running,
    string? Listening,
    int? Port,
    long Requests,
    long Failed,
    long Activations,
    IReadOnlyDictionary<string, long> ByClientState,
    IReadOnlyDictionary<string, long> FailedByCode,
    KmsClientSeen? OldestClient,
    KmsClientSeen? NewestClient,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> PublisherKeys,
    long KeyListSequence,
    long BelowThreshold = 0);
