using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Comparisons;
using Metrics.Domain.Observations;
using Metrics.Domain.Requests;
using Metrics.Storage.Repositories;

namespace Metrics.Server.History;

/// <summary>A measure's series for an area and breakdown, with the breakdowns it has: what GetSeries answers.</summary>
internal sealed record Series(
    MeasureDefinition Measure, AreaDefinition Area, string Breakdown, IReadOnlyList<string> Breakdowns, Granularity Granularity, IReadOnlyList<SeriesPoint> Points);

/// <summary>A figure captured from the live state: its month, its label ("2019-03-12 10:00", "W/E 17/03/2019") and when.</summary>
internal sealed record CapturedPoint(YearMonth Month, string Label, double Value, DateTimeOffset CapturedAt);

/// <summary>The hourly (or week-end) captures of a live figure.</summary>
internal sealed record CapturedSeries(MeasureDefinition Measure, AreaDefinition Area, string Breakdown, bool WeekEnds, IReadOnlyList<CapturedPoint> Points);

/// <summary>The policing-area comparison of a month: the force and its areas, each row a measure.</summary>
internal sealed record AreaComparisonResult(YearMonth Month, IReadOnlyList<AreaDefinition> Areas, AreaComparisonTable Table);

/// <summary>The year-end table of an area: each row a measure's two financial years.</summary>
internal sealed record YearEndResult(AreaDefinition Area, FinancialYear Year, IReadOnlyList<YearEndRow> Rows);

/// <summary>Loads what a history question needs and computes it with the domain.</summary>
internal sealed class HistoryQueries(
    CatalogueLookup lookup, ObservationRepository observations, CaptureRepository captures, PublishedFigureRepository publishedFigures, TimeProvider clock)
{
    public const string DefaultTotalMeasureId = "total_recorded_crime";
    private static readonly YearMonth Earliest = new(YearMonth.MinYear, 1);
    private static readonly YearMonth Latest = new(YearMonth.MaxYear, 12);

    // Series kept with the stored figures they were built from: the repository hands out the
    // same list while it caches it, and a new list (after an import, or when its cache expires)
    // builds a new series. The key holds the measure and area as looked up and the breakdown
    // list as read, so a changed definition or a new breakdown builds again too. The same series
    // object lets the edge keep its response too (docs/performance.md, GetSeries).
    private readonly ConditionalWeakTable<IReadOnlyList<Observation>, ConcurrentDictionary<SeriesKey, Series>> _series = [];

    private sealed record SeriesKey(MeasureDefinition Measure, AreaDefinition Area, IReadOnlyList<string> Breakdowns, string Breakdown, Granularity Granularity, YearMonth First, YearMonth Last);

    /// <summary>A measure's monthly figures (or quarters, or financial years) for an area and breakdown; the whole series when no range is given.</summary>
    public async Task<Series> GetSeriesAsync(
        string measureId, string areaCode, string breakdown, Granularity granularity, (YearMonth First, YearMonth Last)? range, CancellationToken cancellationToken)
    {
        var measure = await lookup.MeasureAsync(measureId, cancellationToken);
        var area = await lookup.AreaAsync(areaCode, cancellationToken);
        var (first, last) = range ?? (Earliest, Latest);
        var stored = await observations.GetSeriesAsync(measure.Id, area.Code, breakdown, first, last, cancellationToken);
        var breakdowns = await observations.GetBreakdownsAsync(measure.Id, area.Code, cancellationToken);
        if (breakdown.Length > 0 && !breakdowns.Contains(breakdown, StringComparer.Ordinal))
        {
            // A misspelt breakdown is not an empty series: say so, with the ones there are.
            throw new NotFoundException(
                RequestFailure.UnknownBreakdown,
                breakdowns.Count == 0
                    ? $"breakdown '{Quoted.Text(breakdown)}' does not exist: no breakdown of {measure.Id} is stored for {area.Code}"
                    : $"breakdown '{Quoted.Text(breakdown)}' does not exist for {measure.Id} in {area.Code}; the stored breakdowns are: {BreakdownList(breakdowns)}",
                new Dictionary<string, string> { ["measure_id"] = measure.Id, ["area_code"] = area.Code, ["breakdown"] = breakdown });
        }
        var built = _series.GetValue(stored, _ => new());
        if (built.Count > 16)
        {
            // Only stale breakdown lists or definitions pile up here: start again.
            built.Clear();
        }

        return built.GetOrAdd(new SeriesKey(measure, area, breakdowns, breakdown, granularity, first, last), key => Build(key, stored, range is null));
    }

    private static string BreakdownList(IReadOnlyList<string> breakdowns, int most = 30) =>
        string.Join(", ", breakdowns.Take(most).Select(b => $"'{b}'")) + (breakdowns.Count > most ? $" and {breakdowns.Count - most} more" : "");

    private static Series Build(SeriesKey key, IReadOnlyList<Observation> stored, bool wholeSeries)
    {
        if (stored.Count == 0 && wholeSeries)
        {
            return new Series(key.Measure, key.Area, key.Breakdown, key.Breakdowns, key.Granularity, []);
        }

        var (first, last) = wholeSeries ? (stored.Min(o => o.Period.First), stored.Max(o => o.Period.Last)) : (key.First, key.Last);
        var monthly = stored.Where(o => o.Period.Months == 1).ToList();
        var published = stored.Where(o => o.Period.Months > 1).ToList();
        return new Series(
            key.Measure, key.Area, key.Breakdown, key.Breakdowns, key.Granularity, SeriesAggregator.Aggregate(key.Measure.Unit, key.Granularity, first, last, monthly, published));
    }

    /// <summary>
    /// The hourly captures of a live figure over the months asked for (Europe/London months),
    /// or the last 31 days when no range is given; by week, the capture at each week's end.
    /// </summary>
    public async Task<CapturedSeries> GetCapturedSeriesAsync(
        string measureId, string areaCode, string breakdown, (YearMonth First, YearMonth Last)? range, bool weekEnds, CancellationToken cancellationToken)
    {
        var measure = await lookup.MeasureAsync(measureId, cancellationToken);
        var area = await lookup.AreaAsync(areaCode, cancellationToken);
        // Unset: every week end, or (hours) the 31 days to now, as GetSeriesRequest.range says.
        var now = clock.GetUtcNow();
        // A week belongs to the month of its Sunday: the capture that ends it is a day later.
        var weekEndLag = weekEnds ? TimeSpan.FromDays(1) : TimeSpan.Zero;
        var (from, to) = range is var (first, last)
            ? (MonthStart(first) + weekEndLag, MonthStart(last.AddMonths(1)) + weekEndLag)
            : (weekEnds ? DateTimeOffset.UnixEpoch : now - RecentHours, now.AddHours(1));
        var points = new List<CapturedPoint>();
        foreach (var capture in await captures.GetAsync(measure.Id, area.Code, breakdown, from, to, cancellationToken))
        {
            var local = TimeZoneInfo.ConvertTime(capture.CapturedAt, UkTime.Zone);
            var weekEnd = local.DayOfWeek == DayOfWeek.Monday && local.TimeOfDay == TimeSpan.Zero;
            if (weekEnds && !weekEnd)
            {
                continue;
            }

            var label = weekEnds
                ? "W/E " + local.AddDays(-1).ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture)
                : local.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
            var day = weekEnds ? local.AddDays(-1) : local;
            points.Add(new CapturedPoint(new YearMonth(day.Year, day.Month), label, capture.Value, capture.CapturedAt));
        }

        return new CapturedSeries(measure, area, breakdown, weekEnds, points);
    }

    /// <summary>The hours an hourly series without a range covers, to now.</summary>
    public static readonly TimeSpan RecentHours = TimeSpan.FromDays(31);

    private static DateTimeOffset MonthStart(YearMonth month) => UkTime.Midnight(new DateTime(month.Year, month.Month, 1));

    /// <summary>
    /// Each measure (those named, or the parts of the total) as volume, 12-month average, share
    /// of the total and rate, for the force and each of its areas, in a month.
    /// </summary>
    public async Task<AreaComparisonResult> GetAreaComparisonAsync(
        string forceCode, YearMonth month, string? totalMeasureId, IReadOnlyList<string> measureIds, CancellationToken cancellationToken)
    {
        var force = await lookup.ForceAsync(forceCode, cancellationToken);
        var catalogue = await lookup.MeasuresForAsync(force.Force.Code, cancellationToken);
        var total = await lookup.MeasureAsync(totalMeasureId ?? DefaultTotalMeasureId, cancellationToken);
        var rows = measureIds.Count > 0
            ? await MeasuresAsync(measureIds, cancellationToken)
            : catalogue.Where(m => m.PartOfMeasureId == total.Id).ToList();
        var areas = force.LocalPolicingAreas.Prepend(force.Force).ToList();

        var figures = await observations.GetMonthlyTotalsAsync(
            [.. rows.Append(total).Select(m => m.Id).Distinct()], [.. areas.Select(a => a.Code)], AreaComparison.Window(month), cancellationToken);
        var table = AreaComparison.Compute(month, areas, rows, total, figures);
        var published = await publishedFigures.GetAsync(month, PublishedStatistic.TwelveMonthAverage, cancellationToken);
        return new AreaComparisonResult(month, areas, AreaComparison.WithPublished(table, published));
    }

    /// <summary>Each measure (those named, or the total and its leaves) over a financial year and the one before, for an area.</summary>
    public async Task<YearEndResult> GetYearEndComparisonAsync(
        string areaCode, FinancialYear year, string? totalMeasureId, IReadOnlyList<string> measureIds, CancellationToken cancellationToken)
    {
        var area = await lookup.AreaAsync(areaCode, cancellationToken);
        var catalogue = await lookup.MeasuresForAsync(area.ForceCode, cancellationToken);
        var total = await lookup.MeasureAsync(totalMeasureId ?? DefaultTotalMeasureId, cancellationToken);
        var measures = measureIds.Count > 0
            ? await MeasuresAsync(measureIds, cancellationToken)
            : catalogue.LeavesUnder(total).Prepend(total).ToList();

        var rows = new List<YearEndRow>();
        foreach (var measure in measures)
        {
            var stored = await observations.GetSeriesAsync(measure.Id, area.Code, Breakdowns.Total, year.Previous.First, year.Last, cancellationToken);
            rows.Add(YearEndComparison.Compute(measure, year, [.. stored.Where(o => o.Period.Months == 1)], [.. stored.Where(o => o.Period.Months > 1)]));
        }

        return new YearEndResult(area, year, rows);
    }

    private async Task<List<MeasureDefinition>> MeasuresAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var measures = new List<MeasureDefinition>(ids.Count);
        foreach (var id in ids)
        {
            measures.Add(await lookup.MeasureAsync(id, cancellationToken));
        }

        return measures;
    }
}
