using Microsoft.Extensions.Diagnostics.HealthChecks;
using ProductKeys.Data;
using ProductKeys.Service.Activations;

namespace ProductKeys.Service.Health;

/// <summary>On SQLite, ready only while the one MAK activation writer (ADR 0010) takes work; PostgreSQL has none.</summary>
internal sealed class ActivationWriterHealthCheck(DatabaseSettings database, SqliteActivationWriter writer) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(database.Provider != DatabaseProvider.Sqlite ? HealthCheckResult.Healthy("not used on PostgreSQL")
            : writer.IsStopped ? HealthCheckResult.Unhealthy("The SQLite activation writer has stopped: MAK activations cannot be written.")
            : HealthCheckResult.Healthy("taking MAK activations"));
}
