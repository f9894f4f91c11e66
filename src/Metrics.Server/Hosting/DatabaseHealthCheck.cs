using Metrics.Storage.Engines;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Metrics.Server.Hosting;

/// <summary>Serving only while the historical store answers.</summary>
internal sealed class DatabaseHealthCheck(Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            // A table, not a constant: SQLite answers "SELECT 1" without touching a locked file.
            command.CommandText = "SELECT COUNT(*) FROM import_batch WHERE id = 0;";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The historical store does not answer", e);
        }
    }
}
