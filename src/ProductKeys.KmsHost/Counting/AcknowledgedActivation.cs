namespace ProductKeys.KmsHost.Counting;

/// <summary>An activation the host answered with, as stored before the answer leaves.</summary>
/// <param name="ActivationId">The activation's id (also inside the client certificate).</param>
/// <param name="IssuedAt">When the client certificate was signed.</param>
/// <param name="Expires">When it lapses.</param>
/// <param name="Fingerprint">The certificate's fingerprint (never the certificate itself).</param>
internal sealed record AcknowledgedActivation(string ActivationId, DateTimeOffset IssuedAt, DateTimeOffset Expires, string Fingerprint);
