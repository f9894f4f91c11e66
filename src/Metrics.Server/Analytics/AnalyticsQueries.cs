using Metrics.Analytics.Commentary;
using Metrics.Analytics.Comparisons;
using Metrics.Analytics.Projection;
using Metrics.Analytics.Report;
using Metrics.Analytics.Spc;
using Metrics.Analytics.Summary;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Comparisons;
using Metrics.Domain.Observations;
using Metrics.Domain.Requests;
using Metrics.Server.History;
using Metrics.Server.Limits;
using Metrics.Server.Requests;
using Metrics.Storage.Repositories;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Analytics;

/// <summary>Loads what an analyst's question needs and computes it with Metrics.Analytics.</summary>
internal sealed class AnalyticsQueries(
    CatalogueLookup lookup,
    ObservationRepository observations,
    ReportTemplates templates,
    PublishedFigureRepository publishedFigures,
    IOptions<LimitOptions> limits,
    TimeProvider clock)
{
    public const string DefaultOutcomeMeasureId = "crime_outcome_rate";
    private const int MaxHorizon = 24;
    private const int MaxOutcomeWindows = 24;

    /// <summary>Months of unbroken history the report wants before it draws a projection: two years, so that there is a backtest.</summary>
    private const int ReportProjectionMonths = 24;
    private static readonly YearMonth Earliest = new(YearMonth.MinYear, 1);
    private static readonly YearMonth Latest = new(YearMonth.MaxYear, 12);

    public async Task<MeasureSummary> GetMeasureSummaryAsync(SeriesSelection selection, YearMonth month, int? chartMonths, CancellationToken cancellationToken)
    {
        var (measure, area, breakdown) = await SeriesKeyAsync(selection, cancellationToken);
        var options = new CommentaryOptions { ChartMonths = ChartMonths(chartMonths, "chart_months") };
        var window = MonthComparison.Window(month);
        var chartStart = month.AddMonths(1 - options.ChartMonths);
        var first = chartStart < window.First ? chartStart : window.First;
        // Months, and figures published for whole periods (a year-end total stands for its year).
        var figures = await observations.GetSeriesAsync(measure.Id, area.Code, breakdown, first, month, cancellationToken);
        var monthly = figures.Where(o => o.Period.Months == 1).ToList();
        if (!monthly.Any(o => o.Period.First == month))
        {
            throw NoFigure(measure, area, breakdown, month, "");
        }

        var comparison = MonthComparison.Compute(measure, area, month, figures);
        var reading = MonthReading.Read(measure, area, month, Values(measure, monthly), options)!;
        var isTotal = breakdown.Length == 0 && PerformanceSummary.IsTotal(measure, await lookup.MeasuresAsync(cancellationToken));
        return new MeasureSummary(
            measure, area, month, breakdown, comparison, reading, options.Spc, CommentaryWriter.DataSentence(reading), CommentaryWriter.Narrative(reading, isTotal));
    }

    public async Task<ControlChart> GetControlChartAsync(
        SeriesSelection selection, (YearMonth First, YearMonth Last)? range, ControlChartChoices choices, CancellationToken cancellationToken)
    {
        var (measure, area, breakdown) = await SeriesKeyAsync(selection, cancellationToken);
        var (first, last) = range ?? (Earliest, Latest);
        if (choices.FixAfterMonths is < 2)
        {
            throw new InvalidFieldException("options.fix_after_months", $"is {choices.FixAfterMonths}; limits need at least 2 months");
        }

        var points = Values(measure, await MonthlyAsync(measure, area, breakdown, first, last, cancellationToken))
            .Where(p => p.Value.HasValue)
            .Select(p => (p.Month, Value: p.Value!.Value))
            .ToList();
        const int needed = 2;
        if (points.Count < needed)
        {
            var within = range is null ? "" : $" from {first} to {last}";
            throw new NotEnoughDataException(
                $"a control chart needs at least {needed} months; measure '{measure.Id}' has {points.Count} for area '{area.Code}'{BreakdownText(breakdown)}{within}",
                points.Count,
                needed);
        }

        var spc = new SpcOptions
        {
            FixAfterPoints = choices.FixAfterMonths,
            RebaseAt = [.. choices.RebaseAt.Select(r => points.FindIndex(p => p.Month >= r)).Where(i => i > 0).Distinct()],
            ScreenOutlyingMovingRanges = choices.ScreenOutlyingMovingRanges,
        };
        var chart = XmrChart.Compute([.. points.Select(p => p.Value)], measure.Polarity, spc, choices.Target);
        return new ControlChart(measure, area, breakdown, chart, [.. points.Select(p => p.Month)], spc);
    }

    public async Task<ProjectionResult> GetProjectionAsync(SeriesSelection selection, int? horizon, YearMonth? lastAsked, CancellationToken cancellationToken)
    {
        var (measure, area, breakdown) = await SeriesKeyAsync(selection, cancellationToken);
        var steps = horizon ?? Projector.DefaultHorizon;
        if (steps is < 1 or > MaxHorizon)
        {
            throw new InvalidFieldException("horizon", $"is {steps}; give 1 to {MaxHorizon} months");
        }

        var (history, problem) = await ProjectionHistoryAsync(measure, area, breakdown, lastAsked, cancellationToken);
        if (problem is not null)
        {
            throw problem;
        }

        var projection = Projector.Project([.. history.Select(h => h.Value)], steps, nonNegative: measure.IsAdditive);
        return new ProjectionResult(measure, area, breakdown, history[0].Month, history[^1].Month, projection);
    }

    /// <summary>
    /// The history a projection starts from: the unbroken run of months ending with the last
    /// (a gap would shift the seasons), or why there is none long enough.
    /// </summary>
    private async Task<(List<(YearMonth Month, double Value)> History, RequestException? Problem)> ProjectionHistoryAsync(
        MeasureDefinition measure, AreaDefinition area, string breakdown, YearMonth? lastAsked, CancellationToken cancellationToken)
    {
        var known = Values(measure, await MonthlyAsync(measure, area, breakdown, Earliest, lastAsked ?? Latest, cancellationToken))
            .Where(p => p.Value.HasValue)
            .Select(p => (p.Month, Value: p.Value!.Value))
            .ToList();
        var last = lastAsked ?? (known.Count > 0 ? known[^1].Month : default);
        if (known.Count == 0 || known[^1].Month != last)
        {
            return ([], lastAsked is null
                ? new NotEnoughDataException(
                    $"measure '{measure.Id}' has no monthly figures for area '{area.Code}'{BreakdownText(breakdown)}; a projection needs {Projector.MinimumHistory} consecutive months",
                    0,
                    Projector.MinimumHistory)
                : NoFigure(measure, area, breakdown, last, ", the month to project from"));
        }

        var run = ProjectionHistory.UnbrokenRunToEnd(known);
        return run.Count < Projector.MinimumHistory
            ? ([], new NotEnoughDataException(
                $"a projection needs {Projector.MinimumHistory} consecutive months of history; measure '{measure.Id}' has {run.Count} for area '{area.Code}'{BreakdownText(breakdown)} up to {last}",
                run.Count,
                Projector.MinimumHistory))
            : ([.. run], null);
    }

    private static NoFigureException NoFigure(MeasureDefinition measure, AreaDefinition area, string breakdown, YearMonth month, string why) =>
        new(
            $"measure '{measure.Id}' has no figure for area '{area.Code}'{BreakdownText(breakdown)} in {month}{why}",
            new Dictionary<string, string> { ["measure_id"] = measure.Id, ["area_code"] = area.Code, ["breakdown"] = breakdown, ["period"] = month.ToIsoString() });

    public async Task<SummaryPage> GetPerformanceSummaryAsync(string forceCode, YearMonth month, int? chartMonths, CancellationToken cancellationToken)
    {
        var (force, options, sections) = await SummaryAsync(forceCode, month, chartMonths, cancellationToken);
        return new SummaryPage(force, month, options.Spc, [.. sections.Select(s => (s.Name, (IReadOnlyList<SummaryRow>)s.Rows))]);
    }

    public async Task<ReportFile> GetReportAsync(string forceCode, YearMonth month, int? chartMonths, CancellationToken cancellationToken)
    {
        var (force, options, sections) = await SummaryAsync(forceCode, month, chartMonths, cancellationToken);
        // Read once for the report, not once a topic.
        var publishedAverages = (await publishedFigures.GetAsync(month, PublishedStatistic.TwelveMonthAverage, cancellationToken))
            .Where(p => p.AreaCode == force.Code)
            .ToDictionary(p => p.MeasureId, p => p.Value);
        var reportSections = new List<ReportSection>();
        foreach (var (name, rows) in sections)
        {
            var topics = new List<ReportTopic>();
            foreach (var row in rows)
            {
                var (projection, noProjection) = await ReportProjectionAsync(row, force, month, cancellationToken);
                topics.Add(new ReportTopic(row, projection, await ReportComparisonAsync(row, force, month, publishedAverages, cancellationToken))
                {
                    NoProjection = noProjection,
                    MinimumMonthsForChart = options.MinimumMonthsForAverage,
                });
            }

            reportSections.Add(new ReportSection(name, topics));
        }

        var document = new ReportDocument(force.Name, month, clock.GetUtcNow(), reportSections);
        return new ReportFile(HtmlReport.Render(document), $"performance-summary-{force.Code}-{month.ToIsoString()}.html");
    }

    /// <summary>
    /// The projection drawn on a charted topic's chart: the same one GetProjection gives, from the
    /// whole unbroken history, once there are two years of it (so that it is tested against the
    /// past: the backtest); otherwise why not.
    /// </summary>
    private async Task<(PlacedProjection? Projection, string Why)> ReportProjectionAsync(SummaryRow row, AreaDefinition force, YearMonth month, CancellationToken cancellationToken)
    {
        if (row.Force?.Chart is null)
        {
            return (null, "");
        }

        var (history, problem) = await ProjectionHistoryAsync(row.Headline, force, row.Breakdown, month, cancellationToken);
        if (problem is not null || history.Count < ReportProjectionMonths)
        {
            var months = problem is NotEnoughDataException tooShort ? tooShort.MonthsAvailable : history.Count;
            return (null, $"No projection: {months} months of unbroken history up to {month}; the report projects from {ReportProjectionMonths} or more, so that the projection is tested against months already known.");
        }

        return (new PlacedProjection(Projector.Project([.. history.Select(h => h.Value)], nonNegative: row.Headline.IsAdditive), month), "");
    }

    /// <summary>The headline's comparisons for the force in the month, as GetMeasureSummary makes them; null without a figure.</summary>
    private async Task<MonthComparison?> ReportComparisonAsync(
        SummaryRow row, AreaDefinition force, YearMonth month, IReadOnlyDictionary<string, double> publishedAverages, CancellationToken cancellationToken)
    {
        if (row.Force is null)
        {
            return null;
        }

        var figures = await observations.GetSeriesAsync(row.Headline.Id, force.Code, row.Breakdown, MonthComparison.Window(month).First, month, cancellationToken);
        var published = row.Breakdown.Length == 0 && publishedAverages.TryGetValue(row.Headline.Id, out var average) ? average : (double?)null;
        return MonthComparison.Compute(row.Headline, force, month, figures).WithPublishedAverage(published);
    }

    /// <summary>
    /// The first page's rows for a force and month, by section, in its report template's order
    /// and words, each computed from the topic's headline measure (or its breakdown).
    /// </summary>
    private async Task<(AreaDefinition Force, CommentaryOptions Options, List<(string Name, List<SummaryRow> Rows)> Sections)> SummaryAsync(
        string code, YearMonth month, int? chartMonths, CancellationToken cancellationToken)
    {
        var options = new CommentaryOptions { ChartMonths = ChartMonths(chartMonths, "chart_months") };
        var force = await lookup.ForceAsync(code, cancellationToken);
        var catalogue = await lookup.MeasuresForAsync(force.Force.Code, cancellationToken);
        var measures = catalogue.ToDictionary(m => m.Id, StringComparer.Ordinal);

        // A topic whose measure was retired after the template was defined is left out, as the measure is from lists.
        var topics = (await templates.ForForceAsync(force.Force.Code, catalogue, cancellationToken)).Topics.Where(t => measures.ContainsKey(t.MeasureId)).ToList();
        var areas = force.LocalPolicingAreas.Prepend(force.Force).ToList();
        var window = new Period(month.AddMonths(1 - options.ChartMonths), options.ChartMonths);
        var figures = (await observations.GetMonthlyTotalsAsync(
            [.. topics.Where(t => t.Breakdown.Length == 0).Select(t => t.MeasureId).Distinct()], [.. areas.Select(a => a.Code)], window, cancellationToken)).ToList();
        foreach (var (measureId, breakdown) in topics.Where(t => t.Breakdown.Length > 0).Select(t => (t.MeasureId, t.Breakdown)).Distinct())
        {
            foreach (var area in areas)
            {
                figures.AddRange(await observations.GetSeriesAsync(measureId, area.Code, breakdown, window.First, month, cancellationToken));
            }
        }

        var byKey = figures.ToLookup(o => (o.MeasureId, o.AreaCode, o.Breakdown));

        // The monthly averages the force published for the month, for the readings too short to chart.
        var publishedAverages = (await publishedFigures.GetAsync(month, PublishedStatistic.MonthlyAverage, cancellationToken))
            .ToDictionary(p => (p.MeasureId, p.AreaCode), p => p.Value);

        MonthReading? ReadingFor(ReportTopicDefinition topic, AreaDefinition area) =>
            MonthReading.Read(measures[topic.MeasureId], area, month, Values(measures[topic.MeasureId], [.. byKey[(topic.MeasureId, area.Code, topic.Breakdown)]]), options)
                ?.WithPublishedAverage(topic.Breakdown.Length == 0 && publishedAverages.TryGetValue((topic.MeasureId, area.Code), out var average) ? average : null, options);

        var sections = topics
            .GroupBy(t => t.Section)
            .Select(section => (section.Key, section.Select(t =>
            {
                var headline = measures[t.MeasureId];
                var areaReadings = force.LocalPolicingAreas.Select(a => ReadingFor(t, a)).OfType<MonthReading>().ToList();
                var isTotal = t.Breakdown.Length == 0 && PerformanceSummary.IsTotal(headline, catalogue);
                return PerformanceSummary.Row(t.Topic, headline, month, ReadingFor(t, force.Force), areaReadings, isTotal, t.Inclusion, t.Noun) with { Breakdown = t.Breakdown };
            }).ToList()))
            .ToList();
        return (force.Force, options, sections);
    }

    public async Task<OutcomeRatesResult> GetOutcomeRatesAsync(string areaCode, YearMonth month, string? measureId, int? windows, CancellationToken cancellationToken)
    {
        var count = windows ?? 4;
        if (count is < 1 or > MaxOutcomeWindows)
        {
            throw new InvalidFieldException("windows", $"is {count}; give 1 to {MaxOutcomeWindows}");
        }

        var measure = await lookup.MeasureAsync(measureId ?? DefaultOutcomeMeasureId, cancellationToken);
        var area = await lookup.AreaAsync(areaCode, cancellationToken);
        var (firstStart, lastStart) = OutcomeRates.Starts(month, count);
        var stored = await observations.GetPeriodsAsync(measure.Id, area.Code, OutcomeRates.WindowMonths, firstStart, lastStart, cancellationToken);
        return new OutcomeRatesResult(measure, area, OutcomeRates.Windows(month, count, stored));
    }

    private async Task<(MeasureDefinition Measure, AreaDefinition Area, string Breakdown)> SeriesKeyAsync(SeriesSelection selection, CancellationToken cancellationToken) =>
        (await lookup.MeasureAsync(selection.MeasureId, cancellationToken), await lookup.AreaAsync(selection.AreaCode, cancellationToken), selection.Breakdown);

    private async Task<List<Observation>> MonthlyAsync(
        MeasureDefinition measure, AreaDefinition area, string breakdown, YearMonth first, YearMonth last, CancellationToken cancellationToken) =>
        [.. (await observations.GetSeriesAsync(measure.Id, area.Code, breakdown, first, last, cancellationToken)).Where(o => o.Period.Months == 1)];

    private static List<(YearMonth Month, double? Value)> Values(MeasureDefinition measure, IEnumerable<Observation> monthly) =>
        [.. monthly.Where(o => o.Period.Months == 1).OrderBy(o => o.Period.First).Select(o => (o.Period.First, o.ValueAs(measure.Unit)))];

    private int ChartMonths(int? requested, string field) => requested switch
    {
        null => CommentaryOptions.Default.ChartMonths,
        < 2 => throw new InvalidFieldException(field, $"is {requested}; a chart needs at least 2 months"),
        { } months when months > limits.Value.MaxMonthsPerRequest => throw new InvalidFieldException(
            field, $"is {months}; the most per request is {limits.Value.MaxMonthsPerRequest} ({limits.Value.Key(nameof(LimitOptions.MaxMonthsPerRequest))})"),
        { } months => months,
    };

    private static string BreakdownText(string breakdown) => breakdown.Length == 0 ? "" : $" (breakdown '{breakdown}')";
}
