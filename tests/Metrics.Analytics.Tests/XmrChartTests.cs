using Metrics.Analytics.Spc;
using Metrics.Domain.Catalogue;

namespace Metrics.Analytics.Tests;

public sealed class XmrChartTests
{
    private static readonly double[] Stable = [10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 11];

    [Fact]
    public void LimitsAreTheMeanPlusOrMinus266MeanMovingRanges()
    {
        var chart = XmrChart.Compute([10, 12, 11, 13, 12], Polarity.Neither);

        var point = chart.Points[0];
        Assert.Equal(11.6, point.Mean, 9);
        Assert.Equal(11.6 + (2.66 * 1.5), point.UpperLimit, 9);
        Assert.Equal(11.6 - (2.66 * 1.5), point.LowerLimit, 9);
        Assert.Equal(11.6 + (2.66 * 1.5 * 2 / 3), point.UpperNearLimit, 9);
        Assert.True(chart.TrialLimits);
        Assert.Equal(5, chart.BaselinePoints);
    }

    [Fact]
    public void ScreeningLeavesOutMovingRangesOfAtLeast3267TimesTheirMean()
    {
        double[] values = [10, 10, 10, 10, 10, 10, 10, 10, 10, 40, 10, 10];

        var (_, screened) = XmrChart.Limits(values, screen: true);
        var (_, unscreened) = XmrChart.Limits(values, screen: false);

        Assert.Equal(60.0 / 11, unscreened, 9);
        Assert.Equal(0, screened, 9);
    }

    [Fact]
    public void APointOutsideTheLimitsReadsByPolarity()
    {
        double[] values = [.. Stable, 30];

        var upIsGood = XmrChart.Compute(values, Polarity.UpIsGood);
        var downIsGood = XmrChart.Compute(values, Polarity.DownIsGood);

        Assert.Equal(SpcRule.OutsideLimits, upIsGood.Points[^1].Rules);
        Assert.Equal(Variation.ImprovementHigh, upIsGood.Latest);
        Assert.Equal(Variation.ConcernHigh, downIsGood.Latest);
        Assert.All(upIsGood.Points.SkipLast(1), p => Assert.Equal(Variation.CommonCause, p.Variation));
    }

    [Fact]
    public void SevenInARowOnOneSideIsAShiftAndSixIsNot()
    {
        double[] seven = [5, 5, 5, 5, 5, 5, 5, 15, 15, 15, 15, 15, 15, 15];
        double[] sixThenMean = [5, 5, 5, 5, 5, 5, 10, 15, 15, 15, 15, 15, 15, 10];

        var shifted = XmrChart.Compute(seven, Polarity.DownIsGood, new SpcOptions { ScreenOutlyingMovingRanges = false });
        var broken = XmrChart.Compute(sixThenMean, Polarity.DownIsGood, new SpcOptions { ScreenOutlyingMovingRanges = false });

        Assert.All(shifted.Points, p => Assert.True(p.Rules.HasFlag(SpcRule.Shift)));
        Assert.Equal(Variation.ImprovementLow, shifted.Points[0].Variation);
        Assert.Equal(Variation.ConcernHigh, shifted.Points[^1].Variation);
        Assert.Equal(10, broken.Points[0].Mean);
        Assert.All(broken.Points, p => Assert.False(p.Rules.HasFlag(SpcRule.Shift)));
    }

    [Fact]
    public void SevenPointsEachHigherThanTheLastAreATrend()
    {
        double[] values = [20, 10, 11, 12, 13, 14, 15, 16, 12, 11];

        var chart = XmrChart.Compute(values, Polarity.UpIsGood);

        var trend = chart.Points.Where(p => p.Rules.HasFlag(SpcRule.Trend)).Select(p => p.Index);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], trend);
        Assert.Equal(Variation.ImprovementHigh, chart.Points[4].Variation);
    }

    [Fact]
    public void TwoOfThreeBeyondTheNearLimitOnOneSideAreFlagged()
    {
        double[] values = [.. Stable, 15, 12, 15];

        var chart = XmrChart.Compute(values, Polarity.Neither, new SpcOptions { FixAfterPoints = 12 });

        Assert.Equal([12, 14], chart.Points.Where(p => p.Rules.HasFlag(SpcRule.TwoOfThreeNearLimit)).Select(p => p.Index));
        Assert.Equal(Variation.NeitherHigh, chart.Latest);
        Assert.False(chart.TrialLimits);
    }

    [Fact]
    public void FixedBaselineLimitsComeFromTheFirstPointsOnly()
    {
        double[] values = [.. Stable, 100, 100, 100];

        var chart = XmrChart.Compute(values, Polarity.Neither, new SpcOptions { FixAfterPoints = 12 });

        Assert.Equal(Stable.Average(), chart.Points[^1].Mean, 9);
        Assert.All(chart.Points.TakeLast(3), p => Assert.True(p.Rules.HasFlag(SpcRule.OutsideLimits)));
    }

    [Theory]
    [InlineData(Polarity.UpIsGood, 5.0, Assurance.ConsistentlyPass)]
    [InlineData(Polarity.UpIsGood, 30.0, Assurance.ConsistentlyFail)]
    [InlineData(Polarity.UpIsGood, 11.0, Assurance.Inconsistent)]
    [InlineData(Polarity.DownIsGood, 5.0, Assurance.ConsistentlyFail)]
    [InlineData(Polarity.Neither, 5.0, Assurance.None)]
    public void ATargetReadsAsAssuranceAgainstTheLimits(Polarity polarity, double target, Assurance expected) =>
        Assert.Equal(expected, XmrChart.Compute(Stable, polarity, target: target).Assurance);
}
