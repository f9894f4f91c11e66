using Metrics.Analytics.Commentary;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;

namespace Metrics.Analytics.Tests;

/// <summary>The report's own sentences from the report's own numbers (March 2019), word for word where our wording is the report's.</summary>
public sealed class CommentaryWriterTests
{
    private static readonly YearMonth March2019 = new(2019, 3);
    private static readonly AreaDefinition WestMercia = Area("west-mercia", "West Mercia", AreaKind.Force);
    private static readonly AreaDefinition Herefordshire = Area("herefordshire", "Herefordshire", AreaKind.LocalPolicingArea);
    private static readonly AreaDefinition NorthWorcestershire = Area("north-worcestershire", "North Worcestershire", AreaKind.LocalPolicingArea);
    private static readonly AreaDefinition Shropshire = Area("shropshire", "Shropshire", AreaKind.LocalPolicingArea);
    private static readonly AreaDefinition SouthWorcestershire = Area("south-worcestershire", "South Worcestershire", AreaKind.LocalPolicingArea);
    private static readonly AreaDefinition TelfordAndWrekin = Area("telford-and-wrekin", "Telford & Wrekin", AreaKind.LocalPolicingArea);

    [Theory]
    [InlineData("Total Recorded Crime", true, 7767, 6377, 7082, Position.Above,
        "7,767 offences were recorded across West Mercia in March. This is an increase compared to February (6,377) and above the monthly average (7,082).")]
    [InlineData("Violence With Injury", false, 906, 759, 843, Position.Above,
        "906 violence with injury offences were recorded in March. This is an increase compared to February (759) and above the monthly average (843).")]
    [InlineData("Violence Without Injury", false, 1923, 1572, 1711, Position.Above,
        "1,923 violence without injury offences were recorded in March. This is an increase compared to February (1,572) and above the monthly average (1,711).")]
    [InlineData("Other Sexual Offences", false, 198, 166, 191, Position.Above,
        "198 other sexual offences were recorded in March. This is an increase compared to February (166) and above the monthly average (191).")]
    [InlineData("Residential Burglary-Dwelling", false, 264, 207, 262, Position.InLine,
        "264 residential burglary-dwelling offences were recorded in March. This is an increase compared to February (207) but in line with the monthly average (262).")]
    [InlineData("Robbery", false, 80, 52, 47, Position.SignificantlyAbove,
        "80 robbery offences were recorded in March. This is an increase compared to February (52) and significantly above the monthly average (47).")]
    public void TheTextUnderTheChartForTheForce(string name, bool isTotal, double value, double previous, double average, Position position, string expected)
    {
        var reading = Reading(Count(name), WestMercia, value, previous, average, position);

        Assert.Equal(expected, CommentaryWriter.Narrative(reading, isTotal));
    }

    [Fact]
    public void TheTextForAnAreaNamesIt()
    {
        var reading = Reading(Count("Violence Without Injury"), TelfordAndWrekin, 414, 293, 319, Position.SignificantlyAbove);

        Assert.Equal(
            "414 violence without injury offences were recorded in Telford & Wrekin in March. This is an increase compared to February (293) and significantly above the monthly average (319).",
            CommentaryWriter.Narrative(reading));
    }

    [Theory]
    [InlineData(7767, 6377, Position.Above, "Increased volumes on previous month and above monthly average.")]
    [InlineData(80, 52, Position.SignificantlyAbove, "Increased volumes on previous month and significantly above monthly average.")]
    [InlineData(3000, 2800, Position.Below, "Increased volumes on previous month but below monthly average.")]
    [InlineData(264, 207, Position.InLine, "Increased volumes on previous month but in line with monthly average.")]
    [InlineData(50, 60, Position.Below, "Decreased volumes on previous month and below monthly average.")]
    [InlineData(50, 60, Position.SignificantlyAbove, "Decreased volumes on previous month but significantly above monthly average.")]
    public void TheSummaryPagesDataColumn(double value, double previous, Position position, string expected)
    {
        var reading = Reading(Count("Anything"), WestMercia, value, previous, 1, position);

        Assert.Equal(expected, CommentaryWriter.DataSentence(reading));
    }

    [Fact]
    public void APercentageIsWrittenAsOne()
    {
        var satisfaction = Count("Victim satisfaction") with { Unit = MeasureUnit.Percent };
        var reading = Reading(satisfaction, WestMercia, 77.8, 77.0, 77.5, Position.InLine);

        Assert.Equal("Increased on previous month but in line with monthly average.", CommentaryWriter.DataSentence(reading));
        Assert.Equal(
            "Victim satisfaction was 77.8% in March. This is an increase compared to February (77.0%) but in line with the monthly average (77.5%).",
            CommentaryWriter.Narrative(reading));
    }

    [Fact]
    public void WithoutTheMonthBeforeOrAnAverageTheSentenceSaysWhatItCan()
    {
        var measure = Count("Robbery");

        Assert.Equal("Above monthly average.", CommentaryWriter.DataSentence(Reading(measure, WestMercia, 80, null, 60, Position.Above)));
        Assert.Equal("Increased volumes on previous month.", CommentaryWriter.DataSentence(Reading(measure, WestMercia, 80, 52, null, null)));
        Assert.Equal(
            "80 robbery offences were recorded in March. This is an increase compared to February (52).",
            CommentaryWriter.Narrative(Reading(measure, WestMercia, 80, 52, null, null)));
    }

    [Fact]
    public void ExceptionsByArea()
    {
        var measure = Count("Violence Without Injury");
        MonthReading[] Areas(params Position[] positions) =>
            [.. new[] { Herefordshire, NorthWorcestershire, Shropshire, SouthWorcestershire, TelfordAndWrekin }.Select((a, i) => Reading(measure, a, 10, 5, 8, positions[i]))];

        Assert.Equal("No exceptional volumes", CommentaryWriter.Exceptions(Areas(Position.Above, Position.Above, Position.InLine, Position.Below, Position.Above)));
        Assert.Equal("Exceptional volumes in Telford & Wrekin", CommentaryWriter.Exceptions(Areas(Position.Above, Position.Above, Position.Above, Position.Above, Position.SignificantlyAbove)));
        Assert.Equal(
            "Exceptional volumes in all areas except for South Worcestershire",
            CommentaryWriter.Exceptions(Areas(Position.SignificantlyAbove, Position.SignificantlyAbove, Position.SignificantlyAbove, Position.Above, Position.SignificantlyAbove)));
        Assert.Equal(
            "Exceptional volumes in Herefordshire and Shropshire; exceptionally low volumes in Telford & Wrekin",
            CommentaryWriter.Exceptions(Areas(Position.SignificantlyAbove, Position.Above, Position.SignificantlyAbove, Position.Above, Position.SignificantlyBelow)));
    }

    [Fact]
    public void WithoutExpectedRangesTheAreasAreNotCalledUnexceptional()
    {
        var measure = Count("Robbery");
        var firstMonthOnly = new[] { Reading(measure, Herefordshire, 10, null, null, null), Reading(measure, Shropshire, 12, null, null, null) };
        var twoMonths = new[] { Reading(measure, Herefordshire, 10, 8, null, null), Reading(measure, Shropshire, 12, 13, null, null) };

        Assert.Equal(CommentaryWriter.TooFewMonths, CommentaryWriter.Exceptions(firstMonthOnly));
        Assert.Equal("", CommentaryWriter.AreaMovement(firstMonthOnly));
        Assert.Equal("Volume increases were seen in Herefordshire in March.", CommentaryWriter.AreaMovement(twoMonths));
    }

    [Fact]
    public void HowTheAreasMoved()
    {
        var measure = Count("Total Recorded Crime");
        MonthReading[] Areas(double[] previous, Position[] positions) =>
            [.. new[] { Herefordshire, NorthWorcestershire, Shropshire, SouthWorcestershire, TelfordAndWrekin }.Select((a, i) => Reading(measure, a, 100, previous[i], 90, positions[i]))];
        var withinRange = Enumerable.Repeat(Position.Above, 5).ToArray();

        Assert.Equal(
            "Volume increases were seen across all policing areas in March, but remain within expected levels.",
            CommentaryWriter.AreaMovement(Areas([90, 90, 90, 90, 90], withinRange)));
        Assert.Equal(
            "Volume increases were seen across all policing areas with the exception of South Worcestershire in March, but remain within expected levels.",
            CommentaryWriter.AreaMovement(Areas([90, 90, 90, 110, 90], withinRange)));
        Assert.Equal(
            "Volume increases were seen across all policing areas in March, with exceptional volumes in Telford & Wrekin.",
            CommentaryWriter.AreaMovement(Areas([90, 90, 90, 90, 90], [Position.Above, Position.Above, Position.Above, Position.Above, Position.SignificantlyAbove])));
        Assert.Equal(
            "Volume increases were seen in Herefordshire and South Worcestershire in March, but remain within expected levels.",
            CommentaryWriter.AreaMovement(Areas([90, 110, 110, 90, 110], withinRange)));
    }

    [Fact]
    public void TheReadingTakesItsAverageAndRangeFromTheControlChart()
    {
        var measure = Count("Robbery");
        var months = Enumerable.Range(0, 24).Select(i => (Month: March2019.AddMonths(i - 23), Value: (double?)(i % 2 == 0 ? 48 : 52))).ToList();
        var spike = months.Take(23).Append((March2019, 80.0)).ToList();
        var inLine = months.Take(23).Append((March2019, 50.5)).ToList();

        var exceptional = MonthReading.Read(measure, WestMercia, March2019, spike)!;
        var steady = MonthReading.Read(measure, WestMercia, March2019, inLine)!;

        Assert.Equal(Position.SignificantlyAbove, exceptional.Position);
        Assert.Equal(Direction.Increase, exceptional.Direction);
        Assert.Equal(48, exceptional.Previous);
        Assert.Equal(((23 * 50.0) - 2 + 80) / 24, exceptional.MonthlyAverage!.Value, 9);
        Assert.True(exceptional.IsExceptional);
        Assert.Equal(Position.InLine, steady.Position);
        Assert.Null(MonthReading.Read(measure, WestMercia, March2019.AddMonths(1), spike));
    }

    [Fact]
    public void AFewMonthsGiveTheMonthBeforeButNoAverage()
    {
        var months = Enumerable.Range(0, 5).Select(i => (Month: March2019.AddMonths(i - 4), Value: (double?)(100 + i))).ToList();

        var reading = MonthReading.Read(Count("Robbery"), WestMercia, March2019, months)!;

        Assert.Equal(Direction.Increase, reading.Direction);
        Assert.Null(reading.Position);
        Assert.Null(reading.MonthlyAverage);
        Assert.Equal("Increased volumes on previous month.", CommentaryWriter.DataSentence(reading));
    }

    private static MeasureDefinition Count(string name) =>
        new(name.ToUpperInvariant(), name, "Secure", name, MeasureUnit.Count, Polarity.Neither, ReportingRule.MonthAndQuarter, "", RateBase.Population, null, "");

    private static AreaDefinition Area(string code, string name, AreaKind kind) =>
        new(code, name, kind, kind == AreaKind.Force ? null : "west-mercia", null, null, "", [], []);

    private static MonthReading Reading(MeasureDefinition measure, AreaDefinition area, double value, double? previous, double? average, Position? position) =>
        new(measure, area, March2019, value, previous, average,
            previous is { } p ? value > p ? Direction.Increase : value < p ? Direction.Decrease : Direction.NoChange : null,
            position, null, []);
}
