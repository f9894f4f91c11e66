using System.Data.Common;
using Dapper;
using Metrics.Domain.Calendar;
using Metrics.Domain.Observations;
using Metrics.Domain.Requests;
using Metrics.Storage.Engines;

namespace Metrics.Storage.Repositories;

/// <summary>A batch as stored: what changed the figures, who, when, from where, and how much.</summary>
public sealed record ImportBatch(
    long Id,
    string Kind,
    string Source,
    string ForceCode,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    long RowsRead,
    long RowsRejected,
    long ObservationsWritten)
{
    /// <summary>Who made the change (the token's subject); empty for the server's own batches.</summary>
    public string Subject { get; init; } = "";

    /// <summary>Whether the batch kept its scope and the figures it replaced, so it can be shown and undone.</summary>
    public bool Versioned { get; init; }

    /// <summary>For an undo, the batch it undid.</summary>
    public long? UndoesImportId { get; init; }

    /// <summary>The newest batch that undid this one, if any.</summary>
    public long? UndoneByImportId { get; init; }

    /// <summary>How the figures in its scope changed (counts only).</summary>
    public FigureChanges Changes { get; init; } = FigureChanges.None;
}

/// <summary>What a batch about to be written says about itself.</summary>
public sealed record BatchDescription(string Kind, string Source, string ForceCode, string Subject, DateTimeOffset StartedAt, long RowsRead = 0, long RowsRejected = 0)
{
    /// <summary>The caller's id for the request that makes the batch, when it gave one: its answer is recorded with the batch, and a repeat writes nothing.</summary>
    public RepeatableRequest? Request { get; init; }
}

/// <summary>A change to the figures, made or (on a dry run) only worked out: the batch is null when nothing was stored.</summary>
public sealed record StoredChange(ImportBatch? Batch, FigureChanges Changes);

/// <summary>
/// Batches: every change to the stored figures (an import, a deletion, an undo) is one, written
/// with its figures in one transaction, so a failed change leaves nothing behind. A versioned
/// batch keeps the cells it declared and the figures it replaced there as they were, which is
/// what lets it be shown, and undone exactly, while no later batch has changed the same figures.
/// </summary>
public sealed partial class ImportRepository(Database database, ObservationRepository observations, RequestRepository requests)
{
    /// <summary>The kind of batch that undoes another.</summary>
    public const string UndoKind = "undo";

    public const string CompleteBatch = """
        UPDATE import_batch
        SET finished_at_ms = @FinishedAtMs, rows_read = @RowsRead, rows_rejected = @RowsRejected, observations_written = @ObservationsWritten,
            figures_added = @Added, figures_changed = @Changed, figures_removed = @Removed, figures_unchanged = @Unchanged
        WHERE id = @Id;
        """;

    public const string SelectBatch = "SELECT " + SqlDialect.BatchColumns + " FROM import_batch AS b WHERE b.id = @Id;";

    public const string SelectBatchCells = """
        SELECT measure_id, area_code, period_start, period_months
        FROM import_cell
        WHERE import_id = @Id;
        """;

    public const string SelectReplacedFigures = """
        SELECT measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator, written_by_import_id AS import_id
        FROM replaced_observation
        WHERE import_id = @Id;
        """;

    /// <summary>What a batch wrote: still stored, or kept by the later batches that replaced it.</summary>
    public const string SelectWrittenFigures = """
        SELECT measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator, import_id
        FROM observation
        WHERE import_id = @Id
        UNION
        SELECT measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator, written_by_import_id
        FROM replaced_observation
        WHERE written_by_import_id = @Id;
        """;

    /// <summary>The newest later batch whose declared cells overlap this one's.</summary>
    public const string SelectLaterOverlap = """
        SELECT MAX(later.import_id)
        FROM import_cell AS mine
        JOIN import_cell AS later
          ON later.measure_id = mine.measure_id AND later.area_code = mine.area_code
         AND later.period_start = mine.period_start AND later.period_months = mine.period_months
        WHERE mine.import_id = @Id AND later.import_id > @Id;
        """;

    public const string RetireKind = "retire";

    public const string SelectRetirements = """
        SELECT subject_kind, subject_key, retired
        FROM import_retirement
        WHERE import_id = @Id;
        """;

    public const string SelectMeasureRetiredBy = "SELECT retired_by_import_id FROM measure WHERE id = @Key;";

    public const string SelectAreaRetiredBy = "SELECT retired_by_import_id FROM area WHERE code = @Key;";

    public const string SetMeasureRetiredBy = "UPDATE measure SET retired_by_import_id = @RetiredBy WHERE id = @Key;";

    public const string SetAreaRetiredBy = "UPDATE area SET retired_by_import_id = @RetiredBy WHERE code = @Key;";

    public const string InsertRetirement = """
        INSERT INTO import_retirement (import_id, subject_kind, subject_key, retired)
        VALUES (@ImportId, @Kind, @Key, @Retired);
        """;

    /// <summary>The newest batch after @Id that retired or brought back the subject.</summary>
    public const string SelectLaterRetirement = """
        SELECT MAX(import_id)
        FROM import_retirement
        WHERE subject_kind = @Kind AND subject_key = @Key AND import_id > @Id;
        """;

    /// <summary>
    /// Retires a measure or an area (<see cref="RetiredSubject"/>) as a batch: it leaves lists and
    /// pages and keeps its history. Refused when it is retired already.
    /// </summary>
    public async Task<StoredChange> RetireAsync(RetiredSubject subject, BatchDescription batch, bool dryRun, TimeProvider clock, CancellationToken cancellationToken) =>
        await database.InTransactionAsync(
            async (connection, transaction) =>
            {
                var retiredBy = await RetiredByAsync(connection, transaction, subject, cancellationToken);
                if (retiredBy is { } by)
                {
                    throw new ConflictException($"{subject} is retired already (by import {by})");
                }

                if (dryRun)
                {
                    return new StoredChange(null, FigureChanges.None);
                }

                var written = await WriteAsync(connection, transaction, batch with { Kind = RetireKind }, null, true, Nothing, FigureChanges.None, clock, cancellationToken);
                await SetRetiredAsync(connection, transaction, subject, written.Batch!.Id, true, cancellationToken);
                return written;
            },
            cancellationToken);

    /// <summary>
    /// Undoes a retirement batch (or the undo of one) inside the caller's transaction: each
    /// subject it retired comes back, each it brought back is retired again, as long as no later
    /// batch has retired or brought back the same subject.
    /// </summary>
    private async Task<StoredChange> UndoRetirementsAsync(
        DbConnection connection, DbTransaction transaction, ImportBatch target, IReadOnlyList<(RetiredSubject Subject, bool Retired)> retirements,
        BatchDescription batch, bool dryRun, TimeProvider clock, CancellationToken cancellationToken)
    {
        foreach (var (subject, retired) in retirements)
        {
            var later = await connection.ExecuteScalarAsync<long?>(Command(
                SelectLaterRetirement, new { subject.Kind, subject.Key, target.Id }, cancellationToken, transaction));
            if (later is { } newer)
            {
                var blocking = await GetAsync(connection, transaction, newer, cancellationToken);
                throw new ConflictException(blocking.UndoesImportId == target.Id
                    ? $"import {target.Id} was undone by import {newer}; undo {newer} to restore it"
                    : $"import {newer} {(retired ? "brought back" : "retired")} {subject} after import {target.Id}: undo {newer} first");
            }
        }

        if (dryRun)
        {
            return new StoredChange(null, FigureChanges.None);
        }

        var written = await WriteAsync(connection, transaction, batch with { Kind = UndoKind }, target.Id, true, Nothing, FigureChanges.None, clock, cancellationToken);
        foreach (var (subject, retired) in retirements)
        {
            await SetRetiredAsync(connection, transaction, subject, written.Batch!.Id, !retired, cancellationToken);
        }

        return written;
    }

    private static readonly PreparedFigures Nothing = new("[]", "[]", 0);

    private async Task<long?> RetiredByAsync(DbConnection connection, DbTransaction transaction, RetiredSubject subject, CancellationToken cancellationToken)
    {
        var row = (await connection.QueryAsync<RetiredRow>(Command(
            subject.IsMeasure ? SelectMeasureRetiredBy : SelectAreaRetiredBy, new { subject.Key }, cancellationToken, transaction))).SingleOrDefault();
        return row is not null ? row.RetiredByImportId : throw new NotFoundException(subject.Kind, subject.Key);
    }

    private async Task SetRetiredAsync(DbConnection connection, DbTransaction transaction, RetiredSubject subject, long importId, bool retired, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(Command(
            subject.IsMeasure ? SetMeasureRetiredBy : SetAreaRetiredBy, new { RetiredBy = retired ? importId : (long?)null, subject.Key }, cancellationToken, transaction));
        await connection.ExecuteAsync(Command(
            InsertRetirement, new { ImportId = importId, subject.Kind, subject.Key, Retired = retired }, cancellationToken, transaction));
    }

    /// <summary>
    /// Replaces every figure in the scope with <paramref name="figures"/> as one batch, all or
    /// nothing. On a dry run the change is worked out against what is stored and nothing is
    /// written. A versioned batch keeps its cells and the figures it replaced.
    /// </summary>
    public async Task<StoredChange> StoreAsync(
        BatchDescription batch, ReplaceScope scope, IReadOnlyCollection<Observation> figures, bool versioned, bool dryRun,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var prepared = ObservationRepository.Prepare(scope, figures);
        if (dryRun)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var stored = await CellFiguresAsync(connection, null, prepared.CellsJson, cancellationToken);
            return new StoredChange(null, FigureChanges.Between(stored.Select(s => s.Figure), figures));
        }

        var written = await database.InTransactionAsync(
            async (connection, transaction) =>
            {
                var stored = await CellFiguresAsync(connection, transaction, prepared.CellsJson, cancellationToken);
                var changes = FigureChanges.Between(stored.Select(s => s.Figure), figures);
                return await WriteAsync(connection, transaction, batch, null, versioned, prepared, changes, clock, cancellationToken);
            },
            cancellationToken);
        observations.Written(scope);
        return written;
    }

    /// <summary>
    /// Restores the figures batch <paramref name="importId"/> replaced, exactly as they were, as a
    /// new batch (itself undoable). Refused while a later batch has changed the same figures:
    /// that one must be undone first.
    /// </summary>
    public async Task<StoredChange> UndoAsync(long importId, BatchDescription batch, bool dryRun, TimeProvider clock, CancellationToken cancellationToken)
    {
        ReplaceScope? scope = null;
        var undone = await database.InTransactionAsync(
            async (connection, transaction) =>
            {
                var target = await GetAsync(connection, transaction, importId, cancellationToken);
                if (await connection.ExecuteScalarAsync<string?>(Command(SelectTemplateBatchForce, new { Id = importId }, cancellationToken, transaction)) is { } templateForce)
                {
                    return await UndoTemplateAsync(connection, transaction, target, templateForce, batch, dryRun, clock, cancellationToken);
                }

                var retirements = (await connection.QueryAsync<(string Kind, string Key, bool Retired)>(Command(SelectRetirements, new { Id = importId }, cancellationToken, transaction)))
                    .Select(r => (new RetiredSubject(r.Kind, r.Key), r.Retired)).ToList();
                if (retirements.Count > 0)
                {
                    return await UndoRetirementsAsync(connection, transaction, target, retirements, batch, dryRun, clock, cancellationToken);
                }

                if (!target.Versioned)
                {
                    throw new ConflictException(
                        $"import {importId} ({target.Kind}, {target.Source}) was stored before the store kept versions: it cannot be undone; import the figures it replaced again instead");
                }

                var cells = (await connection.QueryAsync<CellRow>(Command(SelectBatchCells, new { Id = importId }, cancellationToken, transaction)))
                    .Select(c => c.ToCell()).ToList();
                scope = new ReplaceScope(cells);
                var cellsJson = ObservationRepository.Prepare(scope, []).CellsJson;
                var stored = await CellFiguresAsync(connection, transaction, cellsJson, cancellationToken);
                await RefuseIfChangedSinceAsync(connection, transaction, target, stored, cancellationToken);

                var restored = await FiguresAsync(connection, transaction, SelectReplacedFigures, importId, cancellationToken);
                var changes = FigureChanges.Between(stored.Select(s => s.Figure), restored.Select(r => r.Figure));
                if (dryRun)
                {
                    return new StoredChange(null, changes);
                }

                var prepared = new PreparedFigures(cellsJson, ObservationRepository.FiguresAsJson(restored), restored.Count);
                return await WriteAsync(connection, transaction, batch with { Kind = UndoKind }, importId, true, prepared, changes, clock, cancellationToken);
            },
            cancellationToken);
        if (undone.Batch is not null && scope is not null)
        {
            observations.Written(scope);
        }

        return undone;
    }

    /// <summary>A batch by its id.</summary>
    public async Task<ImportBatch> GetAsync(long importId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await GetAsync(connection, null, importId, cancellationToken);
    }

    /// <summary>The cells a batch declared (its scope): empty for a batch stored before versions were kept.</summary>
    public async Task<IReadOnlyList<ObservationCell>> CellsAsync(long importId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. (await connection.QueryAsync<CellRow>(Command(SelectBatchCells, new { Id = importId }, cancellationToken))).Select(c => c.ToCell())];
    }

    /// <summary>
    /// How a batch changed the figures, figure by figure: what it replaced against what it left
    /// (for an undo, the figures it restored).
    /// </summary>
    public async Task<FigureChanges> ChangesAsync(ImportBatch batch, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var before = await FiguresAsync(connection, null, SelectReplacedFigures, batch.Id, cancellationToken);
        var after = batch.UndoesImportId is { } undid
            ? await FiguresAsync(connection, null, SelectReplacedFigures, undid, cancellationToken)
            : await FiguresAsync(connection, null, SelectWrittenFigures, batch.Id, cancellationToken);
        return FigureChanges.Between(before.Select(b => b.Figure), after.Select(a => a.Figure).DistinctBy(FigureKey.Of));
    }

    /// <summary>
    /// The newest batches, <paramref name="limit"/> of them, older than batch
    /// <paramref name="before"/> when given: a page of the list, kept in place by the ids (a batch
    /// stored meanwhile is newer than every page after the first, so it never shifts them).
    /// </summary>
    public async Task<IReadOnlyList<ImportBatch>> ListAsync(int limit, CancellationToken cancellationToken, long? before = null)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<BatchRow>(Command(database.Dialect.ListImports, new { Limit = limit, Before = before ?? long.MaxValue }, cancellationToken));
        return [.. rows.Select(r => r.ToBatch())];
    }

    private async Task<StoredChange> WriteAsync(
        DbConnection connection, DbTransaction transaction, BatchDescription batch, long? undoes, bool versioned, PreparedFigures prepared,
        FigureChanges changes, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (batch.Request is { } request)
        {
            await requests.RefuseRepeatAsync(connection, transaction, request, clock.GetUtcNow(), cancellationToken);
        }

        var row = new
        {
            Kind = StoredText.Text(batch.Kind, "import_batch.kind", StoredText.ImportKindLength),
            Source = StoredText.Text(batch.Source, "import_batch.source", StoredText.SourceLength),
            ForceCode = StoredText.OptionalKey(batch.ForceCode, "import_batch.force_code") ?? "", // empty: not one force's (a measure retired)
            Subject = StoredText.Text(batch.Subject, "import_batch.subject", StoredText.NameLength),
            StartedAtMs = batch.StartedAt.ToUnixTimeMilliseconds(),
            Versioned = versioned,
            UndoesImportId = undoes,
        };
        var id = await connection.ExecuteScalarAsync<long>(Command(database.Dialect.InsertImportBatch, row, cancellationToken, transaction));
        if (versioned)
        {
            await connection.ExecuteAsync(Command(database.Dialect.InsertImportCells, new { Cells = prepared.CellsJson, ImportId = id }, cancellationToken, transaction));
            await connection.ExecuteAsync(Command(database.Dialect.CopyReplacedFigures, new { Cells = prepared.CellsJson, ImportId = id }, cancellationToken, transaction));
        }

        var written = await observations.ReplaceAsync(connection, transaction, id, prepared, cancellationToken);
        var finishedAt = clock.GetUtcNow();
        await connection.ExecuteAsync(Command(
            CompleteBatch,
            new
            {
                Id = id,
                FinishedAtMs = finishedAt.ToUnixTimeMilliseconds(),
                batch.RowsRead,
                batch.RowsRejected,
                ObservationsWritten = written,
                changes.Added,
                changes.Changed,
                changes.Removed,
                changes.Unchanged,
            },
            cancellationToken,
            transaction));
        var stored = new ImportBatch(id, row.Kind, batch.Source, batch.ForceCode, batch.StartedAt, finishedAt, batch.RowsRead, batch.RowsRejected, written)
        {
            Subject = batch.Subject,
            Versioned = versioned,
            UndoesImportId = undoes,
            Changes = changes with { First = [] },
        };
        var change = new StoredChange(stored, changes);
        if (batch.Request is { } answered)
        {
            await requests.RecordAsync(connection, transaction, answered, change, finishedAt, cancellationToken);
        }

        return change;
    }

    /// <summary>
    /// A batch can be undone only while its cells hold exactly what it left there: its own figures
    /// (an undo: the figures it restored, by the batches that wrote them). Anything else means a
    /// later batch changed them, and undoing this one would lose that change.
    /// </summary>
    private async Task RefuseIfChangedSinceAsync(
        DbConnection connection, DbTransaction transaction, ImportBatch target, IReadOnlyList<StoredFigure> stored, CancellationToken cancellationToken)
    {
        var left = target.UndoesImportId is { } undid
            ? (await FiguresAsync(connection, transaction, SelectReplacedFigures, undid, cancellationToken)).Select(f => (FigureKey.Of(f.Figure), f.ImportId)).ToHashSet()
            : null;
        var unchanged = left is null
            ? stored.Count == target.ObservationsWritten && stored.All(s => s.ImportId == target.Id)
            : stored.Count == left.Count && stored.All(s => left.Contains((FigureKey.Of(s.Figure), s.ImportId)));
        if (unchanged)
        {
            return;
        }

        var later = await connection.ExecuteScalarAsync<long?>(Command(SelectLaterOverlap, new { target.Id }, cancellationToken, transaction));
        var writer = stored.Select(s => s.ImportId).Where(i => i > target.Id).DefaultIfEmpty().Max();
        var newest = Math.Max(later ?? 0, writer);
        if (newest == 0)
        {
            throw new ConflictException($"the figures of import {target.Id} have changed since it was stored, and it cannot be undone");
        }

        var blocking = await GetAsync(connection, transaction, newest, cancellationToken);
        throw new ConflictException(blocking.UndoesImportId == target.Id
            ? $"import {target.Id} was undone by import {newest}; undo {newest} to restore it"
            : $"import {newest} ({blocking.Kind}, {blocking.Source}) changed the same figures after import {target.Id}: undo {newest} first");
    }

    private async Task<ImportBatch> GetAsync(DbConnection connection, DbTransaction? transaction, long importId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<BatchRow>(Command(SelectBatch, new { Id = importId }, cancellationToken, transaction));
        return row?.ToBatch() ?? throw new NotFoundException("import", importId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<List<StoredFigure>> CellFiguresAsync(DbConnection connection, DbTransaction? transaction, string cellsJson, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<FigureRow>(Command(database.Dialect.SelectCellFigures, new { Cells = cellsJson }, cancellationToken, transaction)))
            .Select(r => r.ToStored())];

    private async Task<List<StoredFigure>> FiguresAsync(DbConnection connection, DbTransaction? transaction, string sql, long importId, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<FigureRow>(Command(sql, new { Id = importId }, cancellationToken, transaction))).Select(r => r.ToStored())];

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
        public string Subject { get; set; } = "";
        public bool Versioned { get; set; }
        public long? UndoesImportId { get; set; }
        public long FiguresAdded { get; set; }
        public long FiguresChanged { get; set; }
        public long FiguresRemoved { get; set; }
        public long FiguresUnchanged { get; set; }
        public long? UndoneByImportId { get; set; }

        public ImportBatch ToBatch() => new(
            Id, Kind, Source, ForceCode, DateTimeOffset.FromUnixTimeMilliseconds(StartedAtMs),
            FinishedAtMs is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : null, RowsRead, RowsRejected, ObservationsWritten)
        {
            Subject = Subject,
            Versioned = Versioned,
            UndoesImportId = UndoesImportId,
            UndoneByImportId = UndoneByImportId,
            Changes = new FigureChanges(FiguresAdded, FiguresChanged, FiguresRemoved, FiguresUnchanged, []),
        };
    }

    private sealed class RetiredRow
    {
        public long? RetiredByImportId { get; set; }
    }

    private sealed class CellRow
    {
        public string MeasureId { get; set; } = "";
        public string AreaCode { get; set; } = "";
        public long PeriodStart { get; set; }
        public long PeriodMonths { get; set; }

        public ObservationCell ToCell() => new(MeasureId, AreaCode, new Period(YearMonth.FromKey((int)PeriodStart), (int)PeriodMonths));
    }

    private sealed class FigureRow
    {
        public string MeasureId { get; set; } = "";
        public string AreaCode { get; set; } = "";
        public string Breakdown { get; set; } = "";
        public long PeriodStart { get; set; }
        public long PeriodMonths { get; set; }
        public double? Value { get; set; }
        public double? Numerator { get; set; }
        public double? Denominator { get; set; }
        public long ImportId { get; set; }

        public StoredFigure ToStored() => new(
            new Observation(MeasureId, AreaCode, new Period(YearMonth.FromKey((int)PeriodStart), (int)PeriodMonths), Breakdown, Value, Numerator, Denominator),
            ImportId);
    }
}

/// <summary>A measure or an area that a batch retires or brings back: <see cref="Kind"/> is "measure" or "area".</summary>
public sealed record RetiredSubject(string Kind, string Key)
{
    public static RetiredSubject Measure(string id) => new("measure", id);

    public static RetiredSubject Area(string code) => new("area", code);

    internal bool IsMeasure => Kind == "measure";

    public override string ToString() => $"{Kind} '{Key}'";
}

/// <summary>A stored figure with the batch that wrote it.</summary>
public sealed record StoredFigure(Observation Figure, long ImportId);
