using Metrics.Storage.Engines;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Metrics.Server.Hosting;

/// <summary>
/// Readiness: serving only while the historical store answers a read and would take a write. A
/// store that reads but cannot write (a read-only file or database, a lock held by another
/// writer past the busy timeout) is not ready: ingest could not acknowledge an event, nor an
/// import store a row, so a load balancer should send callers to a replica that can. Streams
/// already open carry on; liveness stays serving, so nothing restarts the process.
/// </summary>
internal sealed class DatabaseHealthCheck(Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var step = "does not answer";
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            // A table, not a constant: SQLite answers "SELECT 1" without touching a locked file.
            command.CommandText = "SELECT COUNT(*) FROM import_batch WHERE id = 0;";
            await command.ExecuteScalarAsync(cancellationToken);

            // A write that changes nothing and is rolled back: both engines refuse it on a
            // read-only store, and it waits for the write lock like any other write.
            step = "answers reads but cannot write";
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM import_batch WHERE id = 0;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
            return HealthCheckResult.Healthy("reads and writes");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"The historical store {step}", e);
        }
    }
}
