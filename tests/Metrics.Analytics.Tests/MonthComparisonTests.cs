using Metrics.Analytics.Comparisons;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;

namespace Metrics.Analytics.Tests;

public sealed class MonthComparisonTests
{
    private static readonly MeasureDefinition Burglary = new(
        "burglary", "Burglary", "Secure", "Burglary", MeasureUnit.Count, Polarity.DownIsGood, ReportingRule.MonthAndQuarter, "", RateBase.Households, null, "");

    private static readonly MeasureDefinition Satisfaction = Burglary with { Id = "satisfaction", Unit = MeasureUnit.Percent, RateBase = RateBase.None };

    private static readonly AreaDefinition Shire = new("shire", "Shire", AreaKind.LocalPolicingArea, "force", 300_000, 125_000, "mid-2016", [], []);

    private static readonly YearMonth March2019 = new(2019, 3);

    [Fact]
    public void ACountIsComparedWithEachPeriodTheReportUses()
    {
        // 24 months, April 2017 to March 2019: month m of the run holds 100 + m.
        var months = Enumerable.Range(0, 24).Select(i => Count(new YearMonth(2017, 4).AddMonths(i), 100 + i)).ToList();

        var comparison = MonthComparison.Compute(Burglary, Shire, March2019, months);

        Assert.Equal(123, comparison.Current.Value);
        Assert.Equal(122, comparison.PreviousMonth.Value);
        Assert.Equal(111, comparison.SameMonthLastYear.Value);
        Assert.Equal(Enumerable.Range(11, 12).Average(i => 100.0 + i), comparison.TwelveMonthAverage); // Mar 2018 to Feb 2019
        Assert.Equal(Enumerable.Range(12, 12).Sum(i => 100.0 + i), comparison.FinancialYearToDate.Value);
        Assert.Equal(Enumerable.Range(0, 12).Sum(i => 100.0 + i), comparison.FinancialYearToDateLastYear.Value);
        Assert.Equal(1, comparison.OnPreviousMonth.Difference);
        Assert.Equal(100.0 / 122, comparison.OnPreviousMonth.Percent!.Value, 9);
        Assert.Equal(144, comparison.FinancialYearToDateChange.Difference);
        Assert.Equal(125_000, comparison.RateBase);
        Assert.Equal(123 / 125.0, comparison.RatePerThousand!.Value, 9);
        Assert.Equal(111 / 125.0, comparison.RatePerThousandLastYear!.Value, 9);
    }

    [Fact]
    public void ThePartOfAFinancialYearIsComparedWithTheSameMonthsOfTheYearBefore()
    {
        var months = new[]
        {
            Count(new YearMonth(2017, 4), 10), Count(new YearMonth(2017, 5), 20), Count(new YearMonth(2017, 6), 999),
            Count(new YearMonth(2018, 4), 15), Count(new YearMonth(2018, 5), 30),
        };

        var comparison = MonthComparison.Compute(Burglary, Shire, new YearMonth(2018, 5), months);

        Assert.Equal(45, comparison.FinancialYearToDate.Value);
        Assert.Equal(30, comparison.FinancialYearToDateLastYear.Value);
        Assert.Equal(50, comparison.FinancialYearToDateChange.Percent);
        Assert.Equal(20, comparison.SameMonthLastYear.Value);
    }

    [Fact]
    public void PercentagesCompareAsRatiosOfSumsNotAveragesOfRatios()
    {
        // 9 of 10 (90%) and 50 of 100 (50%): together 59 of 110, not the 70% an average gives.
        var months = new[] { Ratio(new YearMonth(2018, 4), 9, 10), Ratio(new YearMonth(2018, 5), 50, 100), Ratio(new YearMonth(2018, 6), 30, 40) };

        var comparison = MonthComparison.Compute(Satisfaction, Shire, new YearMonth(2018, 6), months);

        Assert.Equal(75, comparison.Current.Value);
        Assert.Equal(100.0 * 59 / 110, comparison.TwelveMonthAverage!.Value, 9);
        Assert.Equal(100.0 * 89 / 150, comparison.FinancialYearToDate.Value!.Value, 9);
        Assert.Equal(100.0 * 89 / 150, comparison.RollingTwelveMonths.Value!.Value, 9);
        Assert.Equal(25, comparison.OnPreviousMonth.Difference!.Value, 9); // percentage points
        Assert.Null(comparison.RatePerThousand);
    }

    [Fact]
    public void MonthsNotStoredAreUnsetNotZero()
    {
        var comparison = MonthComparison.Compute(Burglary, Shire, March2019, [Count(March2019, 40)]);

        Assert.Equal(40, comparison.Current.Value);
        Assert.Null(comparison.PreviousMonth.Value);
        Assert.Null(comparison.TwelveMonthAverage);
        Assert.Null(comparison.OnPreviousMonth.Percent);
        Assert.Equal(0, comparison.PreviousTwelveMonths.MonthsWithData);
    }

    private static Observation Count(YearMonth month, double value) => new("burglary", "shire", Period.Month(month), Breakdowns.Total, value, null, null);

    private static Observation Ratio(YearMonth month, double numerator, double denominator) =>
        new("satisfaction", "shire", Period.Month(month), Breakdowns.Total, null, numerator, denominator);
}
