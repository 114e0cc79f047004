namespace ProductKeys.Core.Contracts;

/// <summary>Answer of <c>POST /api/v1/cal-pack-activations</c>.</summary>
/// <param name="PackCertificate">The CAL pack certificate signed by the publisher, text form (docs/formats/cal-pack-certificate-v1.md).</param>
public sealed record CalPackActivationResponse(string PackCertificate);
