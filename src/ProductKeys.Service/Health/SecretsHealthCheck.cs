using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ProductKeys.Data;
using ProductKeys.Data.Secrets;
using ProductKeys.Service.Activations;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Health;

/// <summary>
/// Ready only while this node holds the secrets the database records (ADR 0017, ADR 0024): the same key-group secret
/// (a database restored or switched under a running node, from another deployment, would otherwise get keys it cannot
/// show), and every rotation recorded since — a node still running with the folder from before another node rotated
/// the key-group secret or the signing key leaves the load balancer until it restarts with the rotated folder.
/// </summary>
internal sealed class SecretsHealthCheck(LicensingDbContext db, KeySecrets secrets, PublisherSigning signing) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var recorded = await db.SecretsFingerprints.AsNoTracking()
            .Where(f => f.Id == SecretsFingerprint.SingletonId).Select(f => new { f.KeyGroupsFingerprint, f.SigningKeyIds }).SingleOrDefaultAsync(cancellationToken);
        if (recorded is null)
        {
            return HealthCheckResult.Unhealthy("The database records no publisher secrets: it is not the one this node started on.");
        }

        if (recorded.KeyGroupsFingerprint != secrets.Fingerprint())
        {
            return HealthCheckResult.Unhealthy("This node's key-groups.key is not the one the database was started with.");
        }

        return signing.HoldsEverySigningEntry(recorded.SigningKeyIds) && SecretsFingerprints.HoldsEveryVersion(recorded.SigningKeyIds, secrets)
            ? HealthCheckResult.Healthy("key-groups.key matches the database, and this node holds every rotation it records")
            : HealthCheckResult.Unhealthy("The database records a rotation this node's secrets folder does not hold (another node rotated): restart this node with the rotated folder.");
    }
}
