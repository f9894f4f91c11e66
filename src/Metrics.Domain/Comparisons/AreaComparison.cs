using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;

namespace Metrics.Domain.Comparisons;

/// <summary>One figure of the report's "Policing Area Comparison by Crime Type".</summary>
public sealed record AreaComparisonCell(
    string AreaCode,
    double? Volume,
    double? TwelveMonthAverage,
    int MonthsInAverage,
    double? PercentOfTotal,
    double? RatePerThousand)
{
    /// <summary>The average is the force's published one: fewer than 12 months are stored (MonthsInAverage says how many).</summary>
    public bool AverageIsPublished { get; init; }
}

/// <summary>A measure across the areas.</summary>
public sealed record AreaComparisonRow(MeasureDefinition Measure, IReadOnlyList<AreaComparisonCell> Cells);

/// <summary>The whole table for a month.</summary>
public sealed record AreaComparisonTable(
    YearMonth Month,
    IReadOnlyList<AreaDefinition> Areas,
    IReadOnlyList<AreaComparisonRow> Rows,
    AreaComparisonRow Total);

/// <summary>
/// Computes the area comparison the analysts build by hand: per area, the month's volume,
/// the mean of the 12 months before it (over the months stored), the volume as a % of the
/// area's total, and the rate per 1,000 of the measure's own base. The average leaves the
/// month out, as the report's table does: West Mercia's 2018/19 total (86,590) includes
/// March 2019's 7,767, and the table's average (7,191) only fits the 12 months to February.
/// </summary>
public static class AreaComparison
{
    public const int AverageMonths = 12;

    /// <summary>The months whose figures the table needs: the month and the 12 before it.</summary>
    public static Period Window(YearMonth month) => new(month.AddMonths(-AverageMonths), AverageMonths + 1);

    public static AreaComparisonTable Compute(
        YearMonth month,
        IReadOnlyList<AreaDefinition> areas,
        IReadOnlyList<MeasureDefinition> measures,
        MeasureDefinition total,
        IEnumerable<Observation> monthlyTotals)
    {
        var window = Window(month);
        var values = monthlyTotals
            .Where(o => o.Period.Months == 1 && o.Breakdown == Breakdowns.Total && window.Contains(o.Period.First))
            .GroupBy(o => (o.MeasureId, o.AreaCode))
            .ToDictionary(g => g.Key, g => g.ToDictionary(o => o.Period.First, o => o.ValueAs(MeasureUnit.Count)));

        double? VolumeOf(string measureId, string areaCode) =>
            values.TryGetValue((measureId, areaCode), out var byMonth) && byMonth.TryGetValue(month, out var v) ? v : null;

        AreaComparisonRow RowFor(MeasureDefinition measure, bool isTotal)
        {
            var cells = areas.Select(area =>
            {
                var volume = VolumeOf(measure.Id, area.Code);
                var history = values.TryGetValue((measure.Id, area.Code), out var byMonth)
                    ? byMonth.Where(m => m.Key < month && m.Value.HasValue).Select(m => m.Value!.Value).ToList()
                    : [];
                double? average = history.Count > 0 ? history.Average() : null;
                var areaTotal = VolumeOf(total.Id, area.Code);
                double? share = !isTotal && volume is { } v && areaTotal is > 0 ? 100 * v / areaTotal.Value : null;
                var rateBase = area.BaseFor(measure.RateBase);
                double? rate = volume is { } vol && rateBase is > 0 ? 1000 * vol / rateBase.Value : null;
                return new AreaComparisonCell(area.Code, volume, average, history.Count, share, rate);
            }).ToList();
            return new AreaComparisonRow(measure, cells);
        }

        return new AreaComparisonTable(
            month,
            areas,
            [.. measures.Select(m => RowFor(m, isTotal: false))],
            RowFor(total, isTotal: true));
    }

    /// <summary>
    /// The table with the force's published 12-month averages where fewer than 12 months are
    /// stored: a figure the months held cannot give, shown as published and marked so.
    /// </summary>
    public static AreaComparisonTable WithPublished(AreaComparisonTable table, IReadOnlyList<PublishedFigure> published)
    {
        var averages = published
            .Where(p => p.Statistic == PublishedStatistic.TwelveMonthAverage && p.Month == table.Month)
            .ToDictionary(p => (p.MeasureId, p.AreaCode), p => p.Value);
        AreaComparisonRow Filled(AreaComparisonRow row) => row with
        {
            Cells = [.. row.Cells.Select(c => c.MonthsInAverage < AverageMonths && averages.TryGetValue((row.Measure.Id, c.AreaCode), out var average)
                ? c with { TwelveMonthAverage = average, AverageIsPublished = true }
                : c)],
        };
        return table with { Rows = [.. table.Rows.Select(Filled)], Total = Filled(table.Total) };
    }
}
