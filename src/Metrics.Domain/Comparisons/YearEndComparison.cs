using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;

namespace Metrics.Domain.Comparisons;

/// <summary>A row of the year-end table.</summary>
public sealed record YearEndRow(
    MeasureDefinition Measure,
    double? PreviousTotal,
    double? CurrentTotal,
    double? PercentChange,
    bool PreviousComplete,
    bool CurrentComplete);

/// <summary>
/// The report's year-end table: each measure's financial-year total against the year before,
/// with the % change. A year is a published year-end figure or the sum of its 12 months.
/// </summary>
public static class YearEndComparison
{
    public static YearEndRow Compute(
        MeasureDefinition measure,
        FinancialYear year,
        IReadOnlyList<Observation> monthly,
        IReadOnlyList<Observation> published)
    {
        var points = SeriesAggregator.Aggregate(
            measure.Unit, Granularity.FinancialYear, year.Previous.First, year.Last, monthly, published);
        var previous = points[0];
        var current = points[1];
        return new YearEndRow(
            measure,
            previous.Value,
            current.Value,
            PercentChange(previous.Value, current.Value),
            previous.Complete,
            current.Complete);
    }

    public static double? PercentChange(double? previous, double? current) =>
        previous is { } p && current is { } c && p != 0 ? 100 * (c - p) / p : null;
}
