namespace ProductKeys.Core.Contracts;

/// <summary>
/// Answer of <c>POST /api/v1/kms-host-activations</c>, and the content of an offline response file
/// (<c>pk kms-host activate --offline-response FILE</c>).
/// </summary>
/// <param name="HostCertificate">The host certificate signed by the publisher, text form (<c>PKA1.</c>…).</param>
public sealed record KmsHostActivationResponse(string HostCertificate);
