using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Comparisons;
using Metrics.Domain.Observations;
using Metrics.Domain.Requests;
using Metrics.Server.Grpc;
using Metrics.Server.Grpc.Measures;
using Metrics.Server.Limits;
using Metrics.Server.Requests;
using Metrics.Storage.Repositories;
using Microsoft.Extensions.Options;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.History;

/// <summary>Loads what a history request needs, computes it with the domain, and maps the result.</summary>
internal sealed class HistoryQueries(CatalogueLookup lookup, ObservationRepository observations, CaptureRepository captures, IOptions<LimitOptions> limits, TimeProvider clock)
{
    public const string DefaultTotalMeasureId = "total_recorded_crime";
    private static readonly YearMonth Earliest = new(YearMonth.MinYear, 1);

    // Responses kept with the stored figures they were built from: the repository hands out the
    // same list while it caches it, and a new list (after an import, or when its cache expires)
    // builds a new response. The key holds the measure and area as looked up and the breakdown
    // list as read, so a changed definition or a new breakdown builds again too. Most of a warm
    // GetSeries was re-aggregating the same months and copying the same names into a new message.
    private readonly ConditionalWeakTable<IReadOnlyList<Observation>, ConcurrentDictionary<SeriesResponseKey, V1.GetSeriesResponse>> _responses = [];

    private sealed record SeriesResponseKey(MeasureDefinition Measure, AreaDefinition Area, IReadOnlyList<string> Breakdowns, string Breakdown, Granularity Granularity, YearMonth First, YearMonth Last);
    private static readonly YearMonth Latest = new(YearMonth.MaxYear, 12);

    public async Task<V1.GetSeriesResponse> GetSeriesAsync(V1.GetSeriesRequest request, CancellationToken cancellationToken)
    {
        var measureId = Validate.Key(request.MeasureId, "measure_id");
        var areaCode = Validate.Key(request.AreaCode, "area_code");
        var breakdown = Breakdowns.Join(Breakdowns.Split(Validate.Breakdown(request.Breakdown, "breakdown")));
        var range = ContractValues.Range(request.Range, "range", limits.Value);
        if (request.Granularity is V1.Granularity.Hour or V1.Granularity.Week)
        {
            return await GetCapturedSeriesAsync(measureId, areaCode, breakdown, range, request.Granularity == V1.Granularity.Week, cancellationToken);
        }

        var granularity = request.Granularity.ToDomain("granularity");
        var measure = await lookup.MeasureAsync(measureId, cancellationToken);
        var area = await lookup.AreaAsync(areaCode, cancellationToken);

        var (first, last) = range ?? (Earliest, Latest);
        var stored = await observations.GetSeriesAsync(measure.Id, area.Code, breakdown, first, last, cancellationToken);
        var breakdowns = await observations.GetBreakdownsAsync(measure.Id, area.Code, cancellationToken);
        var responses = _responses.GetValue(stored, _ => new());
        if (responses.Count > 16)
        {
            // Only stale breakdown lists or definitions pile up here: start again.
            responses.Clear();
        }

        // Shared by every call that asks the same: gRPC only reads a response to send it.
        return responses.GetOrAdd(new SeriesResponseKey(measure, area, breakdowns, breakdown, granularity, first, last), key => SharedResponses.Share(SeriesResponse(key, stored, range is null)));
    }

    private static V1.GetSeriesResponse SeriesResponse(SeriesResponseKey key, IReadOnlyList<Observation> stored, bool wholeSeries)
    {
        var response = new V1.GetSeriesResponse
        {
            Measure = key.Measure.ToContract(),
            Area = key.Area.ToContract(),
            Breakdown = key.Breakdown,
            Granularity = key.Granularity.ToContract(),
        };
        response.Breakdowns.Add(key.Breakdowns);
        if (stored.Count == 0 && wholeSeries)
        {
            return response;
        }

        var (first, last) = wholeSeries ? (stored.Min(o => o.Period.First), stored.Max(o => o.Period.Last)) : (key.First, key.Last);
        var monthly = stored.Where(o => o.Period.Months == 1).ToList();
        var published = stored.Where(o => o.Period.Months > 1).ToList();
        response.Points.Add(SeriesAggregator.Aggregate(key.Measure.Unit, key.Granularity, first, last, monthly, published).Select(point => point.ToContract()));
        return response;
    }

    /// <summary>
    /// The hourly captures of a live figure over the months asked for (Europe/London months),
    /// or the last 31 days when no range is given; by week, the capture at each week's end.
    /// </summary>
    private async Task<V1.GetSeriesResponse> GetCapturedSeriesAsync(
        string measureId, string areaCode, string breakdown, (YearMonth First, YearMonth Last)? range, bool weekEnds, CancellationToken cancellationToken)
    {
        var measure = await lookup.MeasureAsync(measureId, cancellationToken);
        var area = await lookup.AreaAsync(areaCode, cancellationToken);
        var (from, to) = range is var (first, last)
            ? (MonthStart(first), MonthStart(last.AddMonths(1)))
            : (clock.GetUtcNow().AddDays(-31), clock.GetUtcNow().AddHours(1));
        var response = new V1.GetSeriesResponse
        {
            Measure = measure.ToContract(),
            Area = area.ToContract(),
            Breakdown = breakdown,
            Granularity = weekEnds ? V1.Granularity.Week : V1.Granularity.Hour,
        };
        foreach (var capture in await captures.GetAsync(measure.Id, area.Code, breakdown, from, to, cancellationToken))
        {
            var local = TimeZoneInfo.ConvertTime(capture.CapturedAt, UkTime.Zone);
            var weekEnd = local.DayOfWeek == DayOfWeek.Monday && local.TimeOfDay == TimeSpan.Zero;
            if (weekEnds && !weekEnd)
            {
                continue;
            }

            response.Points.Add(new V1.SeriesPoint
            {
                FirstMonth = new YearMonth(local.Year, local.Month).ToContract(),
                Months = 0,
                Label = weekEnds
                    ? "W/E " + local.AddDays(-1).ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture)
                    : local.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                Value = capture.Value,
                MonthsWithData = 1,
                Complete = true,
                CapturedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(capture.CapturedAt),
            });
        }

        return response;
    }

    private static DateTimeOffset MonthStart(YearMonth month) => UkTime.Midnight(new DateTime(month.Year, month.Month, 1));

    public async Task<V1.GetAreaComparisonResponse> GetAreaComparisonAsync(V1.GetAreaComparisonRequest request, CancellationToken cancellationToken)
    {
        var forceCode = Validate.Key(request.ForceCode, "force_code");
        var month = ContractValues.Month(request.Month, "month");
        var force = await lookup.ForceAsync(forceCode, cancellationToken);
        var catalogue = await lookup.MeasuresAsync(cancellationToken);
        var total = FindMeasure(catalogue, TotalId(request.TotalMeasureId));
        var rows = request.MeasureIds.Count > 0
            ? [.. request.MeasureIds.Select((id, i) => FindMeasure(catalogue, Validate.Key(id, $"measure_ids[{i}]")))]
            : catalogue.Where(m => m.PartOfMeasureId == total.Id).ToList();
        var areas = force.LocalPolicingAreas.Prepend(force.Force).ToList();

        var figures = await observations.GetMonthlyTotalsAsync(
            [.. rows.Append(total).Select(m => m.Id).Distinct()], [.. areas.Select(a => a.Code)], AreaComparison.Window(month), cancellationToken);
        var table = AreaComparison.Compute(month, areas, rows, total, figures);

        var response = new V1.GetAreaComparisonResponse { Month = month.ToContract(), Total = ToContract(table.Total) };
        response.Areas.Add(areas.Select(a => a.ToContract()));
        response.Rows.Add(table.Rows.Select(ToContract));
        return response;
    }

    public async Task<V1.GetYearEndComparisonResponse> GetYearEndComparisonAsync(V1.GetYearEndComparisonRequest request, CancellationToken cancellationToken)
    {
        var areaCode = Validate.Key(request.AreaCode, "area_code");
        if (request.FinancialYear is < YearMonth.MinYear + 1 or >= YearMonth.MaxYear)
        {
            throw request.FinancialYear == 0
                ? InvalidFieldException.Required("financial_year")
                : new InvalidFieldException("financial_year", $"{request.FinancialYear} is out of range; give the year it starts in, e.g. 2018 for 2018/19");
        }

        var year = new FinancialYear(request.FinancialYear);
        var area = await lookup.AreaAsync(areaCode, cancellationToken);
        var catalogue = await lookup.MeasuresAsync(cancellationToken);
        var total = FindMeasure(catalogue, TotalId(request.TotalMeasureId));
        var rows = request.MeasureIds.Count > 0
            ? [.. request.MeasureIds.Select((id, i) => FindMeasure(catalogue, Validate.Key(id, $"measure_ids[{i}]")))]
            : LeavesUnder(catalogue, total).Prepend(total).ToList();

        var response = new V1.GetYearEndComparisonResponse
        {
            Area = area.ToContract(),
            PreviousLabel = year.Previous.ToString(),
            CurrentLabel = year.ToString(),
        };
        foreach (var measure in rows)
        {
            var stored = await observations.GetSeriesAsync(measure.Id, area.Code, Breakdowns.Total, year.Previous.First, year.Last, cancellationToken);
            var row = YearEndComparison.Compute(
                measure, year, [.. stored.Where(o => o.Period.Months == 1)], [.. stored.Where(o => o.Period.Months > 1)]);
            response.Rows.Add(ToContract(row));
        }

        return response;
    }

    private static string TotalId(string requested) =>
        string.IsNullOrWhiteSpace(requested) ? DefaultTotalMeasureId : Validate.Key(requested, "total_measure_id");

    private static MeasureDefinition FindMeasure(IReadOnlyList<MeasureDefinition> catalogue, string id) =>
        catalogue.FirstOrDefault(m => m.Id == id) ?? throw new NotFoundException("measure", id);

    /// <summary>The measures under a total that have no parts of their own, in catalogue order: the year-end table's rows.</summary>
    private static IEnumerable<MeasureDefinition> LeavesUnder(IReadOnlyList<MeasureDefinition> catalogue, MeasureDefinition total)
    {
        var parents = catalogue.Where(m => m.PartOfMeasureId is not null).Select(m => m.PartOfMeasureId!).ToHashSet();
        bool IsUnder(MeasureDefinition m)
        {
            for (var parent = m.PartOfMeasureId; parent is not null; parent = catalogue.FirstOrDefault(p => p.Id == parent)?.PartOfMeasureId)
            {
                if (parent == total.Id)
                {
                    return true;
                }
            }

            return false;
        }

        return catalogue.Where(m => IsUnder(m) && !parents.Contains(m.Id));
    }

    private static V1.AreaComparisonRow ToContract(AreaComparisonRow row)
    {
        var message = new V1.AreaComparisonRow { Measure = row.Measure.ToContract(), RateBase = (V1.RateBase)(int)row.Measure.RateBase };
        foreach (var cell in row.Cells)
        {
            var c = new V1.AreaComparisonCell { AreaCode = cell.AreaCode, MonthsInAverage = cell.MonthsInAverage };
            if (cell.Volume is { } volume)
            {
                c.Volume = volume;
            }

            if (cell.TwelveMonthAverage is { } average)
            {
                c.TwelveMonthAverage = average;
            }

            if (cell.PercentOfTotal is { } share)
            {
                c.PercentOfTotal = share;
            }

            if (cell.RatePerThousand is { } rate)
            {
                c.RatePerThousand = rate;
            }

            message.Cells.Add(c);
        }

        return message;
    }

    private static V1.YearEndRow ToContract(YearEndRow row)
    {
        var message = new V1.YearEndRow
        {
            Measure = row.Measure.ToContract(),
            PreviousComplete = row.PreviousComplete,
            CurrentComplete = row.CurrentComplete,
        };
        if (row.PreviousTotal is { } previous)
        {
            message.PreviousTotal = previous;
        }

        if (row.CurrentTotal is { } current)
        {
            message.CurrentTotal = current;
        }

        if (row.PercentChange is { } change)
        {
            message.PercentChange = change;
        }

        return message;
    }
}
