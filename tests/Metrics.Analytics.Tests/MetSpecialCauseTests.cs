using Metrics.Analytics.Spc;
using Metrics.Domain.Catalogue;

namespace Metrics.Analytics.Tests;

/// <summary>The Met borough data holds real special causes; the chart must show them, not hide them.</summary>
public sealed class MetSpecialCauseTests
{
    private const int January2013 = 60;

    [Fact]
    public void FraudMovingToActionFraudIsASpecialCauseAndARebaseGivesNewLimits()
    {
        var fraud = MetBoroughData.MonthlyTotal("Fraud or Forgery");
        Assert.Equal(MetBoroughData.Months, fraud.Count);

        var whole = XmrChart.Compute(fraud, Polarity.Neither);
        var rebased = XmrChart.Compute(fraud, Polarity.Neither, new SpcOptions { RebaseAt = [January2013] });

        Assert.All(whole.Points.TakeLast(36), p => Assert.Equal(Variation.NeitherLow, p.Variation));
        Assert.All(whole.Points.Take(36), p => Assert.Equal(Variation.NeitherHigh, p.Variation));
        Assert.Equal(fraud.Take(January2013).Average(), rebased.Points[0].Mean, 9);
        Assert.Equal(fraud.Skip(January2013).Average(), rebased.Points[^1].Mean, 9);
        Assert.True(rebased.Points[^1].UpperLimit < rebased.Points[0].LowerLimit, "the new limits sit wholly below the old");
        Assert.Equal(1, rebased.Points[^1].Segment);
    }

    [Fact]
    public void WoundingGbhRecodedAsItsOwnCategoryIsASpecialCause()
    {
        // "Grievous Bodily Harm" stops after 2010 and "Wounding/GBH" is empty through 2009, then
        // rises: a recoding, not a change in violence. The chart must say so, not smooth it away.
        var wounding = MetBoroughData.MonthlyTotal("Violence Against the Person", "Wounding/GBH");
        var chart = XmrChart.Compute(wounding, Polarity.Neither);

        Assert.All(chart.Points.Skip(12).Take(12), p => Assert.Equal(0, p.Value));
        Assert.All(chart.Points.Skip(12).Take(12), p => Assert.Equal(Variation.NeitherLow, p.Variation));
        Assert.All(chart.Points.TakeLast(24), p => Assert.Equal(Variation.NeitherHigh, p.Variation));
        Assert.True(chart.Points.Skip(12).Take(12).All(p => p.Rules.HasFlag(SpcRule.Shift)), "2009's empty year is a run below the mean");
    }
}
