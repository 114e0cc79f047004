using ProductKeys.Core.Contracts;

namespace ProductKeys.KmsHost.Activation;

/// <summary>
/// The file <c>pk kms-host activate --offline-request FILE</c> writes and <c>pk offline activate</c>
/// answers (docs/formats/offline-activation-v1.md, format <c>pk-kms-host-request-v1</c>).
/// </summary>
/// <param name="Format">Always <see cref="FormatV1"/>.</param>
/// <param name="Key">The KMS host key.</param>
/// <param name="HostId">The host's ID.</param>
/// <param name="HostPublicKey">The host's public key, PEM.</param>
/// <param name="CreatedAt">When the request was written.</param>
public sealed record KmsHostOfflineRequest(string? Format, string? Key, string? HostId, string? HostPublicKey, DateTimeOffset? CreatedAt)
{
    /// <summary>The format tag.</summary>
    public const string FormatV1 = "pk-kms-host-request-v1";

    /// <summary>The body of <c>POST /api/v1/kms-host-activations</c> it stands for.</summary>
    public KmsHostActivationRequest ToActivationRequest() => new(Key, HostId, HostPublicKey);
}
