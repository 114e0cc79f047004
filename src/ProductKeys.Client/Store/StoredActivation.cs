using ProductKeys.Client.Licensing;

namespace ProductKeys.Client.Store;

/// <summary>A successful activation as kept in the license store.</summary>
/// <param name="Kind">MAK or KMS.</param>
/// <param name="ActivationId">The service's (or host's) id for this activation.</param>
/// <param name="Certificate">The signed certificate in its text form, kept byte for byte.</param>
/// <param name="HardwareId">The hardware ID the certificate is bound to (text form).</param>
/// <param name="ActivatedAt">When the activation (or last KMS renewal) succeeded.</param>
/// <param name="Expires">When it lapses; <c>null</c> for a permanent MAK activation.</param>
/// <param name="HostCertificate">KMS: the host certificate that vouches for the client certificate's signer.</param>
public sealed record StoredActivation(
    ActivationKind Kind,
    string ActivationId,
    string Certificate,
    string HardwareId,
    DateTimeOffset ActivatedAt,
    DateTimeOffset? Expires,
    string? HostCertificate = null);
