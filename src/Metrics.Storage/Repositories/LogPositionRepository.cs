using System.Data.Common;
using Dapper;
using Metrics.Storage.Engines;

namespace Metrics.Storage.Repositories;

/// <summary>A position in a shared event log: the last entry whose effect is stored.</summary>
public sealed record LogPosition(string LogName, long Position);

/// <summary>
/// How far a shared event log has been stored. A position only moves forward: a writer that
/// lost its turn and writes late cannot move it back.
/// </summary>
public sealed class LogPositionRepository(Database database)
{
    public const string AdvancePosition = """
        UPDATE live_log_position SET position = @Position WHERE log_name = @LogName AND position < @Position;
        INSERT INTO live_log_position (log_name, position)
        SELECT @LogName, @Position WHERE NOT EXISTS (SELECT 1 FROM live_log_position WHERE log_name = @LogName);
        """;

    public const string SelectPosition = "SELECT position FROM live_log_position WHERE log_name = @LogName;";

    /// <summary>The stored position of a log; 0 when none is stored.</summary>
    public async Task<long> ReadAsync(string logName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            SelectPosition, new { LogName = logName }, commandTimeout: database.CommandTimeoutSeconds, cancellationToken: cancellationToken)) ?? 0;
    }

    public Task AdvanceAsync(LogPosition position, CancellationToken cancellationToken) =>
        database.InTransactionAsync((connection, transaction) => AdvanceAsync(connection, transaction, position, database.CommandTimeoutSeconds, cancellationToken), cancellationToken);

    /// <summary>Moves the position forward inside a transaction that stores what it covers.</summary>
    internal static Task<int> AdvanceAsync(DbConnection connection, DbTransaction transaction, LogPosition position, int timeoutSeconds, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            AdvancePosition,
            new { position.LogName, position.Position },
            transaction,
            timeoutSeconds,
            cancellationToken: cancellationToken));
}
