using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;

namespace ProductKeys.Client.Kms;

/// <summary>Sends one request to one KMS host (the network seam of the KMS client).</summary>
public interface IKmsTransport
{
    /// <summary>
    /// The host's answer; a refusal with the host's code; or <c>KMS_UNREACHABLE</c> when the host
    /// did not answer with the KMS protocol at all.
    /// </summary>
    Task<Outcome<KmsActivationResponse>> SendAsync(KmsHostAddress host, KmsActivationRequest request, CancellationToken cancellationToken);
}
