using Metrics.Analytics.Commentary;
using Metrics.Analytics.Report;
using Metrics.Analytics.Spc;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;

namespace Metrics.Analytics.Tests;

/// <summary>
/// Where NHSRplotthedots departs from the NHS "Making Data Count" Excel tools (its vignette
/// "Deviations from Excel defaults", vignettes/deviations.Rmd), which way the service goes, each
/// with the vignette's own example where it gives one.
/// </summary>
public sealed class ExcelDeviationTests
{
    // The vignette's series: one outlying point (10) among ones and twos.
    private static readonly double[] OneOutlier = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1];

    [Fact]
    public void AnOutlyingPointIsScreenedFromTheLimitsAsThePackageDoesAndKeptWhenAskedAsExcelDoes()
    {
        var package = XmrChart.Compute(OneOutlier, Polarity.UpIsGood).Points[0];
        var excel = XmrChart.Compute(OneOutlier, Polarity.UpIsGood, new SpcOptions { ScreenOutlyingMovingRanges = false }).Points[0];

        // The vignette's captions: "UPL = 4.6, Mean = 1.94, LPL = -0.72"; with screen_outliers = FALSE "6.95, 1.94, -3.06".
        Assert.Equal((4.6, 1.94, -0.72), (Math.Round(package.UpperLimit, 2), Math.Round(package.Mean, 2), Math.Round(package.LowerLimit, 2)));
        Assert.Equal((6.95, 1.94, -3.06), (Math.Round(excel.UpperLimit, 2), Math.Round(excel.Mean, 2), Math.Round(excel.LowerLimit, 2)));
    }

    [Fact]
    public void AtARebaseTheLimitsAndCentreLineBreakAndTheMonthsLineRunsOn()
    {
        // The package breaks both (its default), Excel neither: the report breaks the limits and
        // the centre line, which belong to one process each, and keeps the months one line.
        var months = Enumerable.Range(0, 24).Select(i => (new YearMonth(2017, 1).AddMonths(i), (double?)(i < 12 ? 100 + (i % 3) : 80 + (i % 3)))).ToList();
        var options = new CommentaryOptions { Spc = new SpcOptions { RebaseAt = [12] } };
        var reading = MonthReading.Read(Measure, Force, new YearMonth(2018, 12), months, options)!;

        var svg = SvgChart.Render(reading, null);

        Assert.Equal(2, reading.Chart!.Points.Select(p => p.Segment).Distinct().Count());
        Assert.Equal(4, Count(svg, "<polyline class=\"limit\""));
        Assert.Equal(2, Count(svg, "<polyline class=\"mean\""));
        Assert.Equal(1, Count(svg, "<polyline class=\"values\""));
    }

    [Fact]
    public void MonthLabelsAreWrittenLevelNeitherAtTheFortyFiveDegreesOfThePackageNorTheNinetyOfExcel()
    {
        var months = Enumerable.Range(0, 36).Select(i => (new YearMonth(2016, 1).AddMonths(i), (double?)(100 + (i % 5)))).ToList();
        var reading = MonthReading.Read(Measure, Force, new YearMonth(2018, 12), months)!;

        var svg = SvgChart.Render(reading, null);

        Assert.Contains(">Jan 17<", svg, StringComparison.Ordinal); // short labels, every six months, fit level
        Assert.DoesNotContain("rotate(", svg, StringComparison.Ordinal);
    }

    private static readonly MeasureDefinition Measure = new(
        "crime", "Crime", "Crime", "Crime", MeasureUnit.Count, Polarity.DownIsGood, ReportingRule.Monthly, "", RateBase.None, null, "");

    private static readonly AreaDefinition Force = new("force", "Force", AreaKind.Force, null, null, null, "", [], []);

    private static int Count(string text, string part) =>
        (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
