using Microsoft.Extensions.Diagnostics.HealthChecks;
using ProductKeys.Core.Signing;
using ProductKeys.Service.Activations;

namespace ProductKeys.Service.Health;

/// <summary>Ready only while the publisher key signs, and what it signs verifies against the keys devices are given.</summary>
internal sealed class SigningKeyHealthCheck(PublisherSigning signing, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // A throwaway artifact, never sent anywhere: it proves sign and verify, not any grant.
            var probe = signing.Signer.Sign(ArtifactPurpose.UsageReport, [new("health-probe", "1")]);
            var verified = new ArtifactVerifier(signing.PublicKeys, time).Verify(probe.Bytes.Span, ArtifactPurpose.UsageReport);
            return Task.FromResult(verified.IsSuccess
                ? HealthCheckResult.Healthy($"signs with key {signing.Signer.KeyId}")
                : HealthCheckResult.Unhealthy($"The signing key's signatures do not verify against the published keys: {verified.Refusal.Detail}"));
        }
#pragma warning disable CA1031 // A key that cannot sign is the answer: not ready, with the reason.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The signing key cannot sign: {e.Message}"));
        }
    }
}
