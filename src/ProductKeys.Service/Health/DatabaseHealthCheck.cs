using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ProductKeys.Data;
using ProductKeys.Data.Audit;

namespace ProductKeys.Service.Health;

/// <summary>Ready only while the database answers a query on the service's own schema (not merely accepts a connection).</summary>
internal sealed class DatabaseHealthCheck(LicensingDbContext db, DatabaseSettings database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await db.AuditHeads.AsNoTracking().AnyAsync(h => h.Id == AuditHead.SingletonId, cancellationToken);
            return HealthCheckResult.Healthy(database.Describe());
        }
#pragma warning disable CA1031 // Any failure to query is the answer: not ready, with the reason.
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy($"{database.Describe()}: {e.GetBaseException().Message}");
        }
    }
}
