using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;
using Metrics.Domain.Calendar;
using Metrics.Domain.Observations;
using Metrics.Storage.Engines;

namespace Metrics.Storage.Repositories;

/// <summary>A measure for an area over a period: every breakdown of it is replaced together.</summary>
public readonly record struct ObservationCell(string MeasureId, string AreaCode, Period Period);

/// <summary>Which stored figures an import replaces: every breakdown of these cells, and nothing else.</summary>
public sealed record ReplaceScope(IReadOnlyCollection<ObservationCell> Cells)
{
    /// <summary>The cells the figures fill.</summary>
    public static ReplaceScope Of(IEnumerable<Observation> figures) =>
        new([.. figures.Select(f => new ObservationCell(f.MeasureId, f.AreaCode, f.Period)).Distinct()]);

    /// <summary>Every combination: for an import that owns whole months of some measures, zeros included.</summary>
    public static ReplaceScope Product(IEnumerable<string> measureIds, IEnumerable<string> areaCodes, IEnumerable<Period> periods) =>
        new([.. from m in measureIds from a in areaCodes from p in periods select new ObservationCell(m, a, p)]);
}

/// <summary>A replacement's cells and figures, as JSON the engine reads, and how many figures.</summary>
public sealed record PreparedFigures(string CellsJson, string FiguresJson, int Count);

/// <summary>Stored figures: reads for series and comparisons, and whole-cell replacement for imports.</summary>
public sealed class ObservationRepository(Database database)
{
    /// <summary>Past this many measure-and-area pairs the series cache starts again rather than grow.</summary>
    private const int MaxCachedSeries = 10_000;

    private readonly ConcurrentDictionary<(string MeasureId, string AreaCode), (long ReadAt, IReadOnlyList<string> Values)> _breakdowns = new();
    private readonly ConcurrentDictionary<(string MeasureId, string AreaCode), ConcurrentDictionary<(string Breakdown, int First, int Last), (long ReadAt, IReadOnlyList<Observation> Figures)>> _series = new();

    public const string SelectSeries = """
        SELECT measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator
        FROM observation
        WHERE measure_id = @MeasureId AND area_code = @AreaCode AND breakdown = @Breakdown
          AND period_start BETWEEN @First AND @Last
        ORDER BY period_months, period_start;
        """;

    public const string SelectSeriesAllBreakdowns = """
        SELECT measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator
        FROM observation
        WHERE measure_id = @MeasureId AND area_code = @AreaCode AND period_months = @PeriodMonths
          AND period_start BETWEEN @First AND @Last
        ORDER BY period_start, breakdown;
        """;

    public const string SelectMonthlyTotals = """
        SELECT measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator
        FROM observation
        WHERE period_months = 1 AND breakdown = ''
          AND period_start BETWEEN @First AND @Last
          AND measure_id IN @MeasureIds AND area_code IN @AreaCodes;
        """;

    public const string SelectBreakdowns = """
        SELECT DISTINCT breakdown
        FROM observation
        WHERE measure_id = @MeasureId AND area_code = @AreaCode AND breakdown <> ''
        ORDER BY breakdown;
        """;

    public const string SelectStoredCells = """
        SELECT DISTINCT measure_id, area_code, period_start, period_months
        FROM observation
        WHERE measure_id = @MeasureId AND area_code IN @AreaCodes
          AND period_start BETWEEN @First AND @Last;
        """;

    /// <summary>The cells holding figures of a measure for the areas, whose period starts in the range: what a deletion declares.</summary>
    public async Task<IReadOnlyList<ObservationCell>> StoredCellsAsync(
        string measureId, IReadOnlyCollection<string> areaCodes, YearMonth first, YearMonth last, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string MeasureId, string AreaCode, long PeriodStart, long PeriodMonths)>(Command(
            SelectStoredCells, new { MeasureId = measureId, AreaCodes = areaCodes, First = first.Key, Last = last.Key }, cancellationToken));
        return [.. rows.Select(r => new ObservationCell(r.MeasureId, r.AreaCode, new Period(YearMonth.FromKey((int)r.PeriodStart), (int)r.PeriodMonths)))];
    }

    /// <summary>
    /// Every figure of one measure, area and breakdown whose period starts in the range:
    /// months, and periods published whole (quarters, financial years).
    /// </summary>
    public async Task<IReadOnlyList<Observation>> GetSeriesAsync(
        string measureId, string areaCode, string breakdown, YearMonth first, YearMonth last, CancellationToken cancellationToken)
    {
        // Series are read far more often than written: kept per measure and area, dropped when
        // this process stores figures for them (another process's writes show within the cache time).
        var series = _series.GetOrAdd((measureId, areaCode), _ => new());
        if (series.TryGetValue((breakdown, first.Key, last.Key), out var cached) && IsFresh(cached.ReadAt))
        {
            return cached.Figures;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ObservationRow>(Command(
            SelectSeries, new { MeasureId = measureId, AreaCode = areaCode, Breakdown = breakdown, First = first.Key, Last = last.Key }, cancellationToken));
        IReadOnlyList<Observation> figures = [.. rows.Select(r => r.ToObservation())];
        if (_series.Count > MaxCachedSeries)
        {
            _series.Clear();
        }

        series[(breakdown, first.Key, last.Key)] = (Environment.TickCount64, figures);
        return figures;
    }

    /// <summary>Every breakdown of one measure and area, for periods of one length starting in the range (rolling 3-month windows).</summary>
    public async Task<IReadOnlyList<Observation>> GetPeriodsAsync(
        string measureId, string areaCode, int periodMonths, YearMonth first, YearMonth last, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ObservationRow>(Command(
            SelectSeriesAllBreakdowns,
            new { MeasureId = measureId, AreaCode = areaCode, PeriodMonths = periodMonths, First = first.Key, Last = last.Key },
            cancellationToken));
        return [.. rows.Select(r => r.ToObservation())];
    }

    /// <summary>Monthly totals (no breakdown) of several measures and areas over a run of months.</summary>
    public async Task<IReadOnlyList<Observation>> GetMonthlyTotalsAsync(
        IReadOnlyCollection<string> measureIds, IReadOnlyCollection<string> areaCodes, Period months, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ObservationRow>(Command(
            SelectMonthlyTotals,
            new { First = months.First.Key, Last = months.Last.Key, MeasureIds = measureIds, AreaCodes = areaCodes },
            cancellationToken));
        return [.. rows.Select(r => r.ToObservation())];
    }

    /// <summary>
    /// The breakdown values stored for a measure and area. A series call asks every time and the
    /// answer changes only with an import, so it is kept (for <see cref="CatalogueRepository.CacheFor"/>)
    /// and dropped when this process stores figures for that measure and area.
    /// </summary>
    public async Task<IReadOnlyList<string>> GetBreakdownsAsync(string measureId, string areaCode, CancellationToken cancellationToken)
    {
        if (_breakdowns.TryGetValue((measureId, areaCode), out var cached) && IsFresh(cached.ReadAt))
        {
            return cached.Values;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        IReadOnlyList<string> rows = [.. await connection.QueryAsync<string>(Command(SelectBreakdowns, new { MeasureId = measureId, AreaCode = areaCode }, cancellationToken))];
        _breakdowns[(measureId, areaCode)] = (Environment.TickCount64, rows);
        return rows;
    }

    /// <summary>Forgets the series and breakdown lists of what a committed write touched.</summary>
    public void Written(ReplaceScope scope)
    {
        foreach (var cell in scope.Cells)
        {
            _breakdowns.TryRemove((cell.MeasureId, cell.AreaCode), out _);
            _series.TryRemove((cell.MeasureId, cell.AreaCode), out _);
        }
    }

    private static bool IsFresh(long readAt) => Environment.TickCount64 - readAt < CatalogueRepository.CacheFor.TotalMilliseconds;

    /// <summary>
    /// The cells and figures of a replacement as the two statements read them, written and
    /// checked before any transaction opens, so the store's write lock is never held while a
    /// large import is serialized (and a refused value costs no round trip).
    /// </summary>
    public static PreparedFigures Prepare(ReplaceScope scope, IEnumerable<Observation> figures)
    {
        var rows = figures.ToList();
        var cells = JsonRows.Write(scope.Cells, static (json, c) =>
        {
            json.WriteStringValue(StoredText.Key(c.MeasureId, "observation.measure_id"));
            json.WriteStringValue(StoredText.Key(c.AreaCode, "observation.area_code"));
            json.WriteNumberValue(c.Period.First.Key);
            json.WriteNumberValue(c.Period.Months);
        });
        return new PreparedFigures(cells, FiguresAsJson(rows), rows.Count);
    }

    /// <summary>
    /// Replaces, inside the caller's transaction, every figure in the prepared scope with the
    /// prepared figures, so that importing the same months again replaces them and never doubles
    /// them: two statements, whatever the size.
    /// </summary>
    public async Task<int> ReplaceAsync(DbConnection connection, DbTransaction transaction, long importId, PreparedFigures prepared, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(Command(database.Dialect.DeleteObservationCells, new { Cells = prepared.CellsJson }, cancellationToken, transaction));
        await connection.ExecuteAsync(Command(database.Dialect.InsertObservations, new { Rows = prepared.FiguresJson, ImportId = importId }, cancellationToken, transaction));
        return prepared.Count;
    }

    /// <summary>
    /// The figures as <see cref="SqlDialect.InsertObservations"/> reads them: a JSON array of
    /// [measure_id, area_code, breakdown, period_start, period_months, value, numerator, denominator],
    /// each id and breakdown checked as the store keeps it.
    /// </summary>
    public static string FiguresAsJson(IEnumerable<Observation> figures) => JsonRows.Write(figures, static (json, o) => WriteFigure(json, o));

    /// <summary>Figures restored as they were: each keeps the batch that wrote it (a ninth column).</summary>
    public static string FiguresAsJson(IEnumerable<StoredFigure> figures) => JsonRows.Write(figures, static (json, f) =>
    {
        WriteFigure(json, f.Figure);
        json.WriteNumberValue(f.ImportId);
    });

    private static void WriteFigure(System.Text.Json.Utf8JsonWriter json, Observation o)
    {
        json.WriteStringValue(StoredText.Key(o.MeasureId, "observation.measure_id"));
        json.WriteStringValue(StoredText.Key(o.AreaCode, "observation.area_code"));
        json.WriteStringValue(StoredText.Label(o.Breakdown, "observation.breakdown", StoredText.NameLength));
        json.WriteNumberValue(o.Period.First.Key);
        json.WriteNumberValue(o.Period.Months);
        json.WriteNumberOrNull(o.Value);
        json.WriteNumberOrNull(o.Numerator);
        json.WriteNumberOrNull(o.Denominator);
    }

    private CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        new(sql, parameters, transaction, database.CommandTimeoutSeconds, cancellationToken: cancellationToken);

    private sealed class ObservationRow
    {
        public string MeasureId { get; set; } = "";
        public string AreaCode { get; set; } = "";
        public string Breakdown { get; set; } = "";
        public long PeriodStart { get; set; }
        public long PeriodMonths { get; set; }
        public double? Value { get; set; }
        public double? Numerator { get; set; }
        public double? Denominator { get; set; }
        public Observation ToObservation() => new(
            MeasureId, AreaCode, new Period(YearMonth.FromKey((int)PeriodStart), (int)PeriodMonths), Breakdown, Value, Numerator, Denominator);
    }
}
