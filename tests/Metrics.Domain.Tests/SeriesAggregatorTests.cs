using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;

namespace Metrics.Domain.Tests;

public sealed class SeriesAggregatorTests
{
    private static Observation Month(int year, int month, double? value = null, double? numerator = null, double? denominator = null) =>
        new("m", "a", Period.Month(new YearMonth(year, month)), Breakdowns.Total, value, numerator, denominator);

    [Fact]
    public void AnyRunOfMonthsSumsWhatIsStoredAndAPublishedWholePeriodStandsForItsIncompleteMonths()
    {
        var year = new FinancialYear(2018).Period;
        var yearEnd = new Observation("m", "a", year, Breakdowns.Total, 86590, null, null);
        var figures = new[] { Month(2019, 2, 6377), Month(2019, 3, 7767), yearEnd };

        var whole = SeriesAggregator.Over(MeasureUnit.Count, year, figures);
        var lastTwo = SeriesAggregator.Over(MeasureUnit.Count, new Period(new YearMonth(2019, 2), 2), figures);
        var lastThree = SeriesAggregator.Over(MeasureUnit.Count, new Period(new YearMonth(2019, 1), 3), figures);

        Assert.Equal(86590, whole.Value);
        Assert.Equal(2, whole.MonthsWithData);
        Assert.Equal(14144, lastTwo.Value);
        Assert.True(lastTwo.Complete);
        Assert.Equal(14144, lastThree.Value);
        Assert.False(lastThree.Complete);
    }

    [Fact]
    public void CountsAddUpOverAQuarter()
    {
        var points = SeriesAggregator.Aggregate(
            MeasureUnit.Count, Granularity.Quarter, new YearMonth(2019, 1), new YearMonth(2019, 3),
            [Month(2019, 1, 7000), Month(2019, 2, 6377), Month(2019, 3, 7767)], []);

        var quarter = Assert.Single(points);
        Assert.Equal(21144, quarter.Value);
        Assert.True(quarter.Complete);
        Assert.Equal("Q1 2019", quarter.Label);
    }

    [Fact]
    public void PercentagesAggregateAsTheRatioOfTheSumsNotTheMeanOfTheRatios()
    {
        // 9 of 10 (90%) and 50 of 100 (50%): the quarter is 59 of 110 (53.6%), not 70%.
        var points = SeriesAggregator.Aggregate(
            MeasureUnit.Percent, Granularity.Quarter, new YearMonth(2019, 1), new YearMonth(2019, 3),
            [Month(2019, 1, numerator: 9, denominator: 10), Month(2019, 2, numerator: 50, denominator: 100)], []);

        var quarter = Assert.Single(points);
        Assert.Equal(100.0 * 59 / 110, quarter.Value!.Value, 9);
        Assert.Equal(2, quarter.MonthsWithData);
        Assert.False(quarter.Complete);
    }

    [Fact]
    public void APercentagePublishedWithoutItsPartsIsNotAveraged()
    {
        var points = SeriesAggregator.Aggregate(
            MeasureUnit.Percent, Granularity.Quarter, new YearMonth(2019, 1), new YearMonth(2019, 3),
            [Month(2019, 1, 81.3), Month(2019, 2, 78.7), Month(2019, 3, 79.6)], []);

        Assert.Null(Assert.Single(points).Value);
    }

    [Fact]
    public void APublishedYearEndTotalStandsWhereTheMonthsAreIncomplete()
    {
        var year = new FinancialYear(2018);
        var published = new Observation("m", "a", year.Period, Breakdowns.Total, 86590, null, null);

        var points = SeriesAggregator.Aggregate(
            MeasureUnit.Count, Granularity.FinancialYear, year.First, year.Last, [Month(2019, 3, 7767)], [published]);

        var point = Assert.Single(points);
        Assert.Equal(86590, point.Value);
        Assert.True(point.Complete);
        Assert.Equal("2018/19", point.Label);
    }

    [Fact]
    public void MonthsWithNoDataAreGapsNotZeros()
    {
        var points = SeriesAggregator.Aggregate(
            MeasureUnit.Count, Granularity.Month, new YearMonth(2019, 1), new YearMonth(2019, 3), [Month(2019, 3, 5)], []);

        Assert.Equal([null, null, 5], points.Select(p => p.Value));
    }
}
