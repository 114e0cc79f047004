using Microsoft.Extensions.Diagnostics.HealthChecks;
using ProductKeys.Data;
using ProductKeys.Service.Activations;

namespace ProductKeys.Service.Health;

/// <summary>Ready only while the database's MAK activation writer takes work (SQLite: ADR 0010; PostgreSQL: ADR 0028).</summary>
internal sealed class ActivationWriterHealthCheck(DatabaseSettings database, SqliteActivationWriter sqliteWriter, PostgresActivationWriter postgresWriter) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stopped = database.Provider == DatabaseProvider.Sqlite ? sqliteWriter.IsStopped : postgresWriter.IsStopped;
        return Task.FromResult(stopped
            ? HealthCheckResult.Unhealthy($"The {database.Provider} activation writer has stopped: MAK activations cannot be written.")
            : HealthCheckResult.Healthy("taking MAK activations"));
    }
}
