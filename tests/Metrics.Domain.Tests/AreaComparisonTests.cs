using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Comparisons;
using Metrics.Domain.Observations;

namespace Metrics.Domain.Tests;

public sealed class AreaComparisonTests
{
    private static readonly MeasureDefinition Total = Measure("total", null, RateBase.Population);
    private static readonly MeasureDefinition Burglary = Measure("burglary", "total", RateBase.Households);

    private static MeasureDefinition Measure(string id, string? partOf, RateBase rateBase) =>
        new(id, id, "s", "t", MeasureUnit.Count, Polarity.Neither, ReportingRule.Monthly, "", rateBase, partOf, "");

    private static Observation Figure(string measure, YearMonth month, double value) =>
        new(measure, "lpa", Period.Month(month), Breakdowns.Total, value, null, null);

    [Fact]
    public void RatesUseTheMeasuresOwnBaseAndSharesTheAreasTotal()
    {
        var area = new AreaDefinition("lpa", "LPA", AreaKind.LocalPolicingArea, "force", 200_000, 80_000, "", [], []);
        var month = new YearMonth(2019, 3);

        var table = AreaComparison.Compute(month, [area], [Burglary], Total, [Figure("total", month, 1000), Figure("burglary", month, 40)]);

        var cell = Assert.Single(Assert.Single(table.Rows).Cells);
        Assert.Equal(40, cell.Volume);
        Assert.Equal(4.0, cell.PercentOfTotal!.Value, 9);
        Assert.Equal(0.5, cell.RatePerThousand!.Value, 9);
        Assert.Equal(5.0, Assert.Single(table.Total.Cells).RatePerThousand!.Value, 9);
    }

    [Fact]
    public void TheTwelveMonthAverageIsOverTheStoredMonthsOfTheTwelveBeforeTheMonth()
    {
        var area = new AreaDefinition("lpa", "LPA", AreaKind.LocalPolicingArea, "force", null, null, "", [], []);
        var month = new YearMonth(2019, 3);
        var figures = new[]
        {
            Figure("total", month.AddMonths(-13), 9999), // before the 12 months
            Figure("total", month.AddMonths(-12), 100),
            Figure("total", month.AddMonths(-1), 300),
            Figure("total", month, 5000), // the month itself is not in its own average
        };

        var table = AreaComparison.Compute(month, [area], [], Total, figures);

        var cell = Assert.Single(table.Total.Cells);
        Assert.Equal(200, cell.TwelveMonthAverage);
        Assert.Equal(2, cell.MonthsInAverage);
        Assert.Null(cell.RatePerThousand);
    }
}
