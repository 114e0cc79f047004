using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using ProductKeys.Data;
using ProductKeys.Data.Audit;

namespace ProductKeys.Service.Health;

/// <summary>
/// Ready only while the database answers a query on the service's own schema (not merely accepts a
/// connection). Anyone may ask /healthz/ready, so the answer names no host or user: the log has the cause.
/// </summary>
internal sealed partial class DatabaseHealthCheck(LicensingDbContext db, DatabaseSettings database, ILogger<DatabaseHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await db.AuditHeads.AsNoTracking().AnyAsync(h => h.Id == AuditHead.SingletonId, cancellationToken);
            return HealthCheckResult.Healthy($"{database.Provider} answers");
        }
#pragma warning disable CA1031 // Any failure to query is the answer: not ready, and why goes to the log.
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogUnreachable(logger, database.Describe(), e);
            return HealthCheckResult.Unhealthy($"The {database.Provider} database does not answer (the node's log says why: event 5001).");
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Not ready: the database {Database} does not answer")]
    private static partial void LogUnreachable(ILogger logger, string database, Exception exception);
}
