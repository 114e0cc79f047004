using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ProductKeys.Data;
using ProductKeys.Data.Secrets;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Health;

/// <summary>
/// Ready only while this node's key-group secret is the one the database records (ADR 0017): a database
/// restored or switched under a running node, from another deployment, would otherwise get keys it cannot show.
/// </summary>
internal sealed class SecretsHealthCheck(LicensingDbContext db, KeySecrets secrets) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var recorded = await db.SecretsFingerprints.AsNoTracking()
            .Where(f => f.Id == SecretsFingerprint.SingletonId).Select(f => f.KeyGroupsFingerprint).SingleOrDefaultAsync(cancellationToken);
        return recorded switch
        {
            null => HealthCheckResult.Unhealthy("The database records no publisher secrets: it is not the one this node started on."),
            _ when recorded == secrets.Fingerprint() => HealthCheckResult.Healthy("key-groups.key matches the database"),
            _ => HealthCheckResult.Unhealthy("This node's key-groups.key is not the one the database was started with."),
        };
    }
}
