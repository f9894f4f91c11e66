using Metrics.Domain.Calendar;

namespace Metrics.Domain.Tests;

public sealed class CalendarTests
{
    [Theory]
    [InlineData(2019, 3, 2018, "2018/19")]
    [InlineData(2019, 4, 2019, "2019/20")]
    [InlineData(2000, 1, 1999, "1999/00")]
    public void FinancialYearRunsAprilToMarch(int year, int month, int startYear, string label)
    {
        var financialYear = new YearMonth(year, month).FinancialYear;

        Assert.Equal(startYear, financialYear.StartYear);
        Assert.Equal(label, financialYear.ToString());
        Assert.Equal(new YearMonth(startYear, 4), financialYear.First);
        Assert.Equal(new YearMonth(startYear + 1, 3), financialYear.Last);
    }

    [Theory]
    [InlineData("2019-03", 2019, 3)]
    [InlineData("201903", 2019, 3)]
    [InlineData(" 2008-01 ", 2008, 1)]
    public void MonthsParseAsFilesWriteThem(string text, int year, int month)
    {
        Assert.True(YearMonth.TryParse(text, out var parsed));
        Assert.Equal(new YearMonth(year, month), parsed);
    }

    [Theory]
    [InlineData("2019-13")]
    [InlineData("2019-00")]
    [InlineData("19-03")]
    [InlineData("March")]
    [InlineData("")]
    public void NonMonthsDoNotParse(string text) => Assert.False(YearMonth.TryParse(text, out _));

    [Fact]
    public void MonthArithmeticCrossesYears()
    {
        Assert.Equal(new YearMonth(2018, 4), new YearMonth(2019, 3).AddMonths(-11));
        Assert.Equal(new YearMonth(2020, 1), new YearMonth(2019, 12).AddMonths(1));
        Assert.Equal(11, new YearMonth(2018, 4).MonthsUntil(new YearMonth(2019, 3)));
        Assert.Equal("Mar 2019", new YearMonth(2019, 3).ToString());
    }

    [Fact]
    public void QuartersAndFinancialYearsCoverARange()
    {
        var quarters = Granularity.Quarter.PeriodsCovering(new YearMonth(2018, 11), new YearMonth(2019, 4));

        Assert.Equal(["Q4 2018", "Q1 2019", "Q2 2019"], quarters.Select(q => Granularity.Quarter.Label(q)));
        var years = Granularity.FinancialYear.PeriodsCovering(new YearMonth(2018, 1), new YearMonth(2019, 4));
        Assert.Equal(["2017/18", "2018/19", "2019/20"], years.Select(y => Granularity.FinancialYear.Label(y)));
    }
}
