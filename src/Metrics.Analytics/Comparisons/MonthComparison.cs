using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;

namespace Metrics.Analytics.Comparisons;

/// <summary>
/// A change between two figures. For counts and durations: the difference and the % change.
/// For percentages and rates: the difference in points and the relative % change.
/// </summary>
public sealed record Change(double? Difference, double? Percent)
{
    public static Change Between(double? earlier, double? later) => new(
        earlier is { } e && later is { } l ? l - e : null,
        earlier is { } p && later is { } c && p != 0 ? 100 * (c - p) / p : null);
}

/// <summary>
/// The comparisons the report makes for a measure in an area and a month. Periods longer than
/// a month are ratios of sums for percentages, never averages of monthly ratios.
/// </summary>
public sealed record MonthComparison(
    MeasureDefinition Measure,
    YearMonth Month,
    SeriesPoint Current,
    SeriesPoint PreviousMonth,
    SeriesPoint SameMonthLastYear,
    SeriesPoint PreviousTwelveMonths,
    double? TwelveMonthAverage,
    SeriesPoint RollingTwelveMonths,
    SeriesPoint FinancialYearToDate,
    SeriesPoint FinancialYearToDateLastYear,
    long? RateBase,
    double? RatePerThousand,
    double? RatePerThousandLastYear)
{
    public const int AverageMonths = 12;

    /// <summary>The 12-month average is the force's published one: fewer than 12 months are stored.</summary>
    public bool AverageIsPublished { get; init; }

    /// <summary>
    /// With the force's published 12-month average when fewer than 12 months are stored and one
    /// was published: the figure the months held cannot give.
    /// </summary>
    public MonthComparison WithPublishedAverage(double? published) =>
        published is { } average && PreviousTwelveMonths.MonthsWithData < AverageMonths
            ? this with { TwelveMonthAverage = average, AverageIsPublished = true }
            : this;

    public Change OnPreviousMonth => Change.Between(PreviousMonth.Value, Current.Value);

    public Change OnSameMonthLastYear => Change.Between(SameMonthLastYear.Value, Current.Value);

    public Change OnTwelveMonthAverage => Change.Between(TwelveMonthAverage, Current.Value);

    public Change FinancialYearToDateChange => Change.Between(FinancialYearToDateLastYear.Value, FinancialYearToDate.Value);

    /// <summary>
    /// The months of history the comparisons read: the financial year before the month's, up to
    /// the month (which covers the same month last year and the 12 months before it).
    /// </summary>
    public static Period Window(YearMonth month)
    {
        var first = month.FinancialYear.Previous.First;
        var earliest = month.AddMonths(-AverageMonths) < first ? month.AddMonths(-AverageMonths) : first;
        return new Period(earliest, earliest.MonthsUntil(month) + 1);
    }

    /// <summary>
    /// The 12-month average is over the 12 months before the month, as the report's table has
    /// it: West Mercia's 2018/19 total (86,590) includes March 2019's 7,767, and the table's
    /// average (7,191) only fits the 12 months to February.
    /// </summary>
    public static Period AveragePeriod(YearMonth month) => new(month.AddMonths(-AverageMonths), AverageMonths);

    public static MonthComparison Compute(
        MeasureDefinition measure,
        AreaDefinition area,
        YearMonth month,
        IReadOnlyList<Observation> figures)
    {
        SeriesPoint Over(Period period) => SeriesAggregator.Over(measure.Unit, period, figures);

        var fiscalYear = month.FinancialYear;
        var monthsIntoYear = fiscalYear.First.MonthsUntil(month) + 1;
        var current = Over(Period.Month(month));
        var sameMonthLastYear = Over(Period.Month(month.AddMonths(-12)));
        var twelveMonths = Over(AveragePeriod(month));
        var rateBase = measure.IsAdditive ? area.BaseFor(measure.RateBase) : null;
        return new MonthComparison(
            measure,
            month,
            current,
            Over(Period.Month(month.AddMonths(-1))),
            sameMonthLastYear,
            twelveMonths,
            AverageOf(measure, twelveMonths),
            Over(new Period(month.AddMonths(1 - AverageMonths), AverageMonths)),
            Over(new Period(fiscalYear.First, monthsIntoYear)),
            Over(new Period(fiscalYear.Previous.First, monthsIntoYear)),
            rateBase,
            PerThousand(current.Value, rateBase),
            PerThousand(sameMonthLastYear.Value, rateBase));
    }

    /// <summary>A count's average is its mean over the months known; a ratio's is the ratio of its sums.</summary>
    private static double? AverageOf(MeasureDefinition measure, SeriesPoint period) =>
        period.MonthsWithData == 0 ? null
        : measure.IsAdditive ? period.Value / period.MonthsWithData
        : period.Value;

    private static double? PerThousand(double? value, long? rateBase) =>
        value is { } v && rateBase is > 0 ? 1000 * v / rateBase.Value : null;
}
