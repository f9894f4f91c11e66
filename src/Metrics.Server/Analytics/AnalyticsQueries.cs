using Metrics.Analytics.Commentary;
using Metrics.Analytics.Comparisons;
using Metrics.Analytics.Projection;
using Metrics.Analytics.Report;
using Metrics.Analytics.Spc;
using Metrics.Analytics.Summary;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;
using Metrics.Domain.Requests;
using Metrics.Server.Grpc;
using Metrics.Server.History;
using Metrics.Server.Limits;
using Metrics.Server.Requests;
using Metrics.Storage.Repositories;
using Microsoft.Extensions.Options;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Analytics;

/// <summary>Loads what an analytics request needs, computes it with Metrics.Analytics, and maps the result.</summary>
internal sealed class AnalyticsQueries(CatalogueLookup lookup, ObservationRepository observations, IOptions<LimitOptions> limits, TimeProvider timeProvider)
{
    public const string DefaultOutcomeMeasureId = "crime_outcome_rate";
    private const int MostHorizon = 24;
    private const int MostOutcomeWindows = 24;
    private const int OutcomeWindowMonths = 3;
    private static readonly YearMonth Earliest = new(YearMonth.MinYear, 1);
    private static readonly YearMonth Latest = new(YearMonth.MaxYear, 12);

    public async Task<V1.GetMeasureSummaryResponse> GetMeasureSummaryAsync(V1.GetMeasureSummaryRequest request, CancellationToken cancellationToken)
    {
        var (measure, area, breakdown) = await SeriesKeyAsync(request.MeasureId, request.AreaCode, request.Breakdown, cancellationToken);
        var month = ContractValues.Month(request.Month, "month");
        var options = new CommentaryOptions { ChartMonths = ChartMonths(request.HasChartMonths ? request.ChartMonths : null, "chart_months") };
        var window = MonthComparison.Window(month);
        var chartStart = month.AddMonths(1 - options.ChartMonths);
        var first = chartStart < window.First ? chartStart : window.First;
        // Months, and figures published for whole periods (a year-end total stands for its year).
        var figures = await observations.GetSeriesAsync(measure.Id, area.Code, breakdown, first, month, cancellationToken);
        var monthly = figures.Where(o => o.Period.Months == 1).ToList();
        if (!monthly.Any(o => o.Period.First == month))
        {
            throw new NotFoundException($"measure '{measure.Id}' has no figure for area '{area.Code}'{BreakdownText(breakdown)} in {month}");
        }

        var comparison = MonthComparison.Compute(measure, area, month, figures);
        var reading = MonthReading.Read(measure, area, month, Values(measure, monthly), options)!;
        var isTotal = breakdown.Length == 0 && PerformanceSummary.IsTotal(measure, await lookup.MeasuresAsync(cancellationToken));
        var response = new V1.GetMeasureSummaryResponse
        {
            Measure = measure.ToContract(),
            Area = area.ToContract(),
            Month = month.ToContract(),
            Breakdown = breakdown,
            Current = comparison.Current.ToContract(),
            PreviousMonth = comparison.PreviousMonth.ToContract(),
            SameMonthLastYear = comparison.SameMonthLastYear.ToContract(),
            PreviousTwelveMonths = comparison.PreviousTwelveMonths.ToContract(),
            RollingTwelveMonths = comparison.RollingTwelveMonths.ToContract(),
            FinancialYearToDate = comparison.FinancialYearToDate.ToContract(),
            FinancialYearToDateLastYear = comparison.FinancialYearToDateLastYear.ToContract(),
            OnPreviousMonth = comparison.OnPreviousMonth.ToContract(),
            OnSameMonthLastYear = comparison.OnSameMonthLastYear.ToContract(),
            OnTwelveMonthAverage = comparison.OnTwelveMonthAverage.ToContract(),
            FinancialYearToDateChange = comparison.FinancialYearToDateChange.ToContract(),
            Reading = reading.ToContract(options.Spc),
            Commentary = new V1.Commentary
            {
                Data = CommentaryWriter.DataSentence(reading),
                Narrative = CommentaryWriter.Narrative(reading, isTotal),
            },
        };
        SetIfKnown(comparison.TwelveMonthAverage, v => response.TwelveMonthAverage = v);
        SetIfKnown(comparison.RateBase, v => response.RateBase = v);
        SetIfKnown(comparison.RatePerThousand, v => response.RatePerThousand = v);
        SetIfKnown(comparison.RatePerThousandLastYear, v => response.RatePerThousandLastYear = v);
        return response;
    }

    public async Task<V1.GetControlChartResponse> GetControlChartAsync(V1.GetControlChartRequest request, CancellationToken cancellationToken)
    {
        var (measure, area, breakdown) = await SeriesKeyAsync(request.MeasureId, request.AreaCode, request.Breakdown, cancellationToken);
        var (first, last) = ContractValues.Range(request.Range, "range", limits.Value) ?? (Earliest, Latest);
        var options = request.Options ?? new V1.ControlChartOptions();
        var rebases = options.RebaseAt.Select((m, i) => ContractValues.Month(m, $"options.rebase_at[{i}]")).ToList();
        if (options.HasFixAfterMonths && options.FixAfterMonths < 2)
        {
            throw new InvalidFieldException("options.fix_after_months", $"is {options.FixAfterMonths}; limits need at least 2 months");
        }

        var points = Values(measure, await MonthlyAsync(measure, area, breakdown, first, last, cancellationToken))
            .Where(p => p.Value.HasValue)
            .Select(p => (p.Month, Value: p.Value!.Value))
            .ToList();
        const int needed = 2;
        if (points.Count < needed)
        {
            throw new NotEnoughDataException(
                $"a control chart needs at least {needed} months; measure '{measure.Id}' has {points.Count} for area '{area.Code}'{BreakdownText(breakdown)}{RangeText(request.Range, first, last)}");
        }

        var spc = new SpcOptions
        {
            FixAfterPoints = options.HasFixAfterMonths ? options.FixAfterMonths : null,
            RebaseAt = [.. rebases.Select(r => points.FindIndex(p => p.Month >= r)).Where(i => i > 0).Distinct()],
            ScreenOutlyingMovingRanges = options.Screening != V1.MovingRangeScreening.None,
        };
        var chart = XmrChart.Compute([.. points.Select(p => p.Value)], measure.Polarity, spc, options.HasTarget ? options.Target : null);
        var response = new V1.GetControlChartResponse
        {
            Measure = measure.ToContract(),
            Area = area.ToContract(),
            Breakdown = breakdown,
            TrialLimits = chart.TrialLimits,
            BaselineMonths = chart.BaselinePoints,
            Assurance = (V1.Assurance)(int)chart.Assurance,
        };
        response.Points.Add(chart.Points.Select(p => p.ToContract(points[p.Index].Month, spc)));
        return response;
    }

    public async Task<V1.GetProjectionResponse> GetProjectionAsync(V1.GetProjectionRequest request, CancellationToken cancellationToken)
    {
        var (measure, area, breakdown) = await SeriesKeyAsync(request.MeasureId, request.AreaCode, request.Breakdown, cancellationToken);
        var horizon = request.HasHorizon ? request.Horizon : Projector.DefaultHorizon;
        if (horizon is < 1 or > MostHorizon)
        {
            throw new InvalidFieldException("horizon", $"is {horizon}; give 1 to {MostHorizon} months");
        }

        YearMonth? lastAsked = request.LastMonth is null ? null : ContractValues.Month(request.LastMonth, "last_month");
        var (history, problem) = await ProjectionHistoryAsync(measure, area, breakdown, lastAsked, cancellationToken);
        if (problem is not null)
        {
            throw new NotEnoughDataException(problem);
        }

        var last = history[^1].Month;
        var projection = Projector.Project([.. history.Select(h => h.Value)], horizon, nonNegative: measure.IsAdditive);
        var response = new V1.GetProjectionResponse
        {
            Measure = measure.ToContract(),
            Area = area.ToContract(),
            Breakdown = breakdown,
            Method = projection.Method == ProjectionMethod.HoltWintersDamped
                ? V1.ProjectionMethod.HoltWintersDamped
                : V1.ProjectionMethod.SeasonalNaive,
            History = new V1.MonthRange { First = history[0].Month.ToContract(), Last = last.ToContract() },
            IntervalLevel = projection.IntervalLevel,
        };
        response.Points.Add(projection.Points.Select(p => new V1.ProjectionPoint
        {
            Month = last.AddMonths(p.StepsAhead).ToContract(),
            Value = p.Value,
            Lower = p.Lower,
            Upper = p.Upper,
        }));
        if (projection.Backtest is { } backtest)
        {
            response.Backtest = new V1.Backtest
            {
                Origins = backtest.Origins,
                Horizon = backtest.Horizon,
                Mase = backtest.Mase,
                SeasonalNaiveMase = backtest.SeasonalNaiveMase,
                RelativeToSeasonalNaive = backtest.RelativeToSeasonalNaive,
            };
        }

        if (projection.Model is { } model)
        {
            response.Model = new V1.HoltWintersModel { Alpha = model.Alpha, Beta = model.Beta, Gamma = model.Gamma, Phi = model.Phi, Sigma = model.Sigma };
        }

        return response;
    }

    /// <summary>
    /// The history a projection starts from: the unbroken run of months ending with the last
    /// (a gap would shift the seasons), or why there is none long enough.
    /// </summary>
    private async Task<(List<(YearMonth Month, double Value)> History, string? Problem)> ProjectionHistoryAsync(
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
                ? $"measure '{measure.Id}' has no monthly figures for area '{area.Code}'{BreakdownText(breakdown)}; a projection needs {Projector.MinimumHistory} consecutive months"
                : $"measure '{measure.Id}' has no figure for area '{area.Code}'{BreakdownText(breakdown)} in {last}, the month to project from");
        }

        var run = 1;
        while (run < known.Count && known[^(run + 1)].Month == known[^run].Month.AddMonths(-1))
        {
            run++;
        }

        return run < Projector.MinimumHistory
            ? ([], $"a projection needs {Projector.MinimumHistory} consecutive months of history; measure '{measure.Id}' has {run} for area '{area.Code}'{BreakdownText(breakdown)} up to {last}")
            : (known.Skip(known.Count - run).ToList(), null);
    }

    public async Task<V1.GetPerformanceSummaryResponse> GetPerformanceSummaryAsync(V1.GetPerformanceSummaryRequest request, CancellationToken cancellationToken)
    {
        var (force, month, options, sections) = await SummaryAsync(request.ForceCode, request.Month, request.HasChartMonths ? request.ChartMonths : null, cancellationToken);
        var response = new V1.GetPerformanceSummaryResponse { Force = force.ToContract(), Month = month.ToContract() };
        foreach (var (name, rows) in sections)
        {
            var message = new V1.SummarySection { Name = name };
            message.Rows.Add(rows.Select(r => r.ToContract(options.Spc)));
            response.Sections.Add(message);
        }

        return response;
    }

    public async Task<V1.GetReportResponse> GetReportAsync(V1.GetReportRequest request, CancellationToken cancellationToken)
    {
        var (force, month, _, sections) = await SummaryAsync(request.ForceCode, request.Month, request.HasChartMonths ? request.ChartMonths : null, cancellationToken);
        var reportSections = new List<ReportSection>();
        foreach (var (name, rows) in sections)
        {
            var topics = new List<ReportTopic>();
            foreach (var row in rows)
            {
                topics.Add(new ReportTopic(row, await ReportProjectionAsync(row, force, month, cancellationToken)));
            }

            reportSections.Add(new ReportSection(name, topics));
        }

        var document = new ReportDocument(force.Name, month, timeProvider.GetUtcNow(), reportSections);
        return new V1.GetReportResponse
        {
            Html = HtmlReport.Render(document),
            FileName = $"performance-summary-{force.Code}-{month.ToIsoString()}.html",
        };
    }

    /// <summary>The projection drawn on a charted topic's chart: the same one GetProjection gives, from the whole unbroken history.</summary>
    private async Task<PlacedProjection?> ReportProjectionAsync(SummaryRow row, AreaDefinition force, YearMonth month, CancellationToken cancellationToken)
    {
        if (row.Force?.Chart is null || !row.IncludedThisMonth)
        {
            return null;
        }

        var (history, problem) = await ProjectionHistoryAsync(row.Headline, force, Breakdowns.Total, month, cancellationToken);
        return problem is null
            ? new PlacedProjection(Projector.Project([.. history.Select(h => h.Value)], nonNegative: row.Headline.IsAdditive), month)
            : null;
    }

    /// <summary>The first page's rows for a force and month, by section, computed from each topic's headline measure.</summary>
    private async Task<(AreaDefinition Force, YearMonth Month, CommentaryOptions Options, List<(string Name, List<SummaryRow> Rows)> Sections)> SummaryAsync(
        string forceCode, V1.YearMonth? requestedMonth, int? chartMonths, CancellationToken cancellationToken)
    {
        var code = Validate.Key(forceCode, "force_code");
        var month = ContractValues.Month(requestedMonth, "month");
        var options = new CommentaryOptions { ChartMonths = ChartMonths(chartMonths, "chart_months") };
        var force = await lookup.ForceAsync(code, cancellationToken);
        var catalogue = await lookup.MeasuresAsync(cancellationToken);
        var topics = PerformanceSummary.Topics(catalogue);
        var areas = force.LocalPolicingAreas.Prepend(force.Force).ToList();
        var figures = await observations.GetMonthlyTotalsAsync(
            [.. topics.Select(t => t.Headline.Id).Distinct()],
            [.. areas.Select(a => a.Code)],
            new Period(month.AddMonths(1 - options.ChartMonths), options.ChartMonths),
            cancellationToken);
        var byKey = figures.ToLookup(o => (o.MeasureId, o.AreaCode));

        MonthReading? ReadingFor(MeasureDefinition measure, AreaDefinition area) =>
            MonthReading.Read(measure, area, month, Values(measure, [.. byKey[(measure.Id, area.Code)]]), options);

        var sections = topics
            .GroupBy(t => t.Section)
            .Select(section => (section.Key, section.Select(t =>
            {
                var areaReadings = force.LocalPolicingAreas.Select(a => ReadingFor(t.Headline, a)).OfType<MonthReading>().ToList();
                return PerformanceSummary.Row(t.Topic, t.Headline, month, ReadingFor(t.Headline, force.Force), areaReadings, PerformanceSummary.IsTotal(t.Headline, catalogue));
            }).ToList()))
            .ToList();
        return (force.Force, month, options, sections);
    }

    public async Task<V1.GetOutcomeRatesResponse> GetOutcomeRatesAsync(V1.GetOutcomeRatesRequest request, CancellationToken cancellationToken)
    {
        var areaCode = Validate.Key(request.AreaCode, "area_code");
        var month = ContractValues.Month(request.Month, "month");
        var measureId = string.IsNullOrWhiteSpace(request.MeasureId) ? DefaultOutcomeMeasureId : Validate.Key(request.MeasureId, "measure_id");
        var windows = request.HasWindows ? request.Windows : 4;
        if (windows is < 1 or > MostOutcomeWindows)
        {
            throw new InvalidFieldException("windows", $"is {windows}; give 1 to {MostOutcomeWindows}");
        }

        var measure = await lookup.MeasureAsync(measureId, cancellationToken);
        var area = await lookup.AreaAsync(areaCode, cancellationToken);
        var lastStart = month.AddMonths(1 - OutcomeWindowMonths);
        var firstStart = lastStart.AddMonths(1 - windows);
        var stored = (await observations.GetPeriodsAsync(measure.Id, area.Code, OutcomeWindowMonths, firstStart, lastStart, cancellationToken))
            .ToLookup(o => o.Period.First);

        var response = new V1.GetOutcomeRatesResponse { Measure = measure.ToContract(), Area = area.ToContract() };
        for (var start = firstStart; start <= lastStart; start = start.AddMonths(1))
        {
            var period = new Period(start, OutcomeWindowMonths);
            response.Windows.Add(OutcomeWindowOf(period, [.. stored[start]]));
        }

        return response;
    }

    private static V1.OutcomeWindow OutcomeWindowOf(Period period, IReadOnlyList<Observation> figures)
    {
        var window = new V1.OutcomeWindow
        {
            Range = new V1.MonthRange { First = period.First.ToContract(), Last = period.Last.ToContract() },
            Label = $"{ShortLabel(period.First)} - {ShortLabel(period.Last)}",
            Stored = figures.Count > 0,
        };
        foreach (var figure in figures)
        {
            var rate = Figures.Resolve(MeasureUnit.Percent, figure.Value, figure.Numerator, figure.Denominator);
            if (figure.Breakdown == Breakdowns.Total)
            {
                SetIfKnown(figure.Numerator, v => window.TotalOutcomed = v);
                SetIfKnown(figure.Denominator, v => window.TotalRecorded = v);
                SetIfKnown(rate, v => window.Rate = v);
                continue;
            }

            var group = new V1.OutcomeGroupRate { Group = figure.Breakdown, Outcomed = figure.Numerator ?? 0 };
            SetIfKnown(rate, v => group.Rate = v);
            window.Groups.Add(group);
        }

        return window;
    }

    private static string ShortLabel(YearMonth month) =>
        $"{System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(month.Month)} {month.Year % 100:D2}";

    private async Task<(MeasureDefinition Measure, AreaDefinition Area, string Breakdown)> SeriesKeyAsync(
        string measureId, string areaCode, string breakdown, CancellationToken cancellationToken)
    {
        var id = Validate.Key(measureId, "measure_id");
        var code = Validate.Key(areaCode, "area_code");
        var path = Breakdowns.Join(Breakdowns.Split(Validate.Breakdown(breakdown, "breakdown")));
        return (await lookup.MeasureAsync(id, cancellationToken), await lookup.AreaAsync(code, cancellationToken), path);
    }

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

    private static string RangeText(V1.MonthRange? range, YearMonth first, YearMonth last) => range is null ? "" : $" from {first} to {last}";

    private static void SetIfKnown<T>(T? value, Action<T> set)
        where T : struct
    {
        if (value is { } known)
        {
            set(known);
        }
    }
}
