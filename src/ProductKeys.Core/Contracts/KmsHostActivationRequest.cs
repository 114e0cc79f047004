namespace ProductKeys.Core.Contracts;

/// <summary>
/// Body of <c>POST /api/v1/kms-host-activations</c>, and the content of an offline KMS host
/// activation request file (<c>pk kms-host activate --offline-request FILE</c>).
/// </summary>
/// <param name="Key">The KMS host key as typed.</param>
/// <param name="HostId">The host's ID (stable for the life of its data folder).</param>
/// <param name="HostPublicKey">The host's P-256 public key, PEM <c>PUBLIC KEY</c>.</param>
public sealed record KmsHostActivationRequest(string? Key, string? HostId, string? HostPublicKey);
