using System.Data.Common;
using Dapper;
using Metrics.Storage.Engines;

namespace Metrics.Storage.Repositories;

/// <summary>An import batch as stored.</summary>
public sealed record ImportBatch(
    long Id,
    string Kind,
    string Source,
    string ForceCode,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    long RowsRead,
    long RowsRejected,
    long ObservationsWritten);

/// <summary>
/// Import batches: where a set of figures came from and what it held. A batch and its figures
/// are written in one transaction, so a failed import leaves nothing behind.
/// </summary>
public sealed class ImportRepository(Database database, ObservationRepository observations)
{
    public const string CompleteBatch = """
        UPDATE import_batch
        SET finished_at_ms = @FinishedAtMs, rows_read = @RowsRead, rows_rejected = @RowsRejected, observations_written = @ObservationsWritten
        WHERE id = @Id;
        """;

    /// <summary>Stores a batch and replaces the figures in its scope, all or nothing.</summary>
    public async Task<ImportBatch> StoreAsync(
        string kind, string source, string forceCode, DateTimeOffset startedAt, long rowsRead, long rowsRejected,
        ReplaceScope scope, IReadOnlyCollection<Domain.Observations.Observation> figures, TimeProvider clock, CancellationToken cancellationToken)
    {
        var batch = new
        {
            Kind = StoredText.Text(kind, "import_batch.kind", StoredText.ImportKindLength),
            Source = StoredText.Text(source, "import_batch.source", StoredText.SourceLength),
            ForceCode = StoredText.Key(forceCode, "import_batch.force_code"),
            StartedAtMs = startedAt.ToUnixTimeMilliseconds(),
        };
        var prepared = ObservationRepository.Prepare(scope, figures);
        var (id, written, finishedAt) = await database.InTransactionAsync(
            async (connection, transaction) =>
            {
                var id = await connection.ExecuteScalarAsync<long>(Command(database.Dialect.InsertImportBatch, batch, cancellationToken, transaction));
                var written = await observations.ReplaceAsync(connection, transaction, id, prepared, cancellationToken);
                var finishedAt = clock.GetUtcNow();
                await connection.ExecuteAsync(Command(
                    CompleteBatch,
                    new { Id = id, FinishedAtMs = finishedAt.ToUnixTimeMilliseconds(), RowsRead = rowsRead, RowsRejected = rowsRejected, ObservationsWritten = written },
                    cancellationToken,
                    transaction));
                return (id, written, finishedAt);
            },
            cancellationToken);
        observations.Written(scope);
        return new ImportBatch(id, kind, source, forceCode, startedAt, finishedAt, rowsRead, rowsRejected, written);
    }

    public async Task<IReadOnlyList<ImportBatch>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<BatchRow>(Command(database.Dialect.ListImports, new { Limit = limit }, cancellationToken));
        return [.. rows.Select(r => new ImportBatch(
            r.Id, r.Kind, r.Source, r.ForceCode, DateTimeOffset.FromUnixTimeMilliseconds(r.StartedAtMs),
            r.FinishedAtMs is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : null, r.RowsRead, r.RowsRejected, r.ObservationsWritten))];
    }

    private CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        new(sql, parameters, transaction, database.CommandTimeoutSeconds, cancellationToken: cancellationToken);

    private sealed class BatchRow
    {
        public long Id { get; set; }
        public string Kind { get; set; } = "";
        public string Source { get; set; } = "";
        public string ForceCode { get; set; } = "";
        public long StartedAtMs { get; set; }
        public long? FinishedAtMs { get; set; }
        public long RowsRead { get; set; }
        public long RowsRejected { get; set; }
        public long ObservationsWritten { get; set; }
    }
}
