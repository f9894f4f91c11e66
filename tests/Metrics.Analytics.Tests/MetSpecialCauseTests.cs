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
        var fraud = MonthlyTotal("Fraud or Forgery");
        Assert.Equal(108, fraud.Count);

        var whole = XmrChart.Compute(fraud, Polarity.Neither);
        var rebased = XmrChart.Compute(fraud, Polarity.Neither, new SpcOptions { RebaseAt = [January2013] });

        Assert.All(whole.Points.TakeLast(36), p => Assert.Equal(Variation.NeitherLow, p.Variation));
        Assert.All(whole.Points.Take(36), p => Assert.Equal(Variation.NeitherHigh, p.Variation));
        Assert.Equal(fraud.Take(January2013).Average(), rebased.Points[0].Mean, 9);
        Assert.Equal(fraud.Skip(January2013).Average(), rebased.Points[^1].Mean, 9);
        Assert.True(rebased.Points[^1].UpperLimit < rebased.Points[0].LowerLimit, "the new limits sit wholly below the old");
        Assert.Equal(1, rebased.Points[^1].Segment);
    }

    private static List<double> MonthlyTotal(string majorCategory)
    {
        var lines = File.ReadAllLines(SharedData.PathOf("data", "met-borough", "MPS_Borough_Level_Crime_Historic.csv"));
        var totals = new double[lines[0].Split(',').Length - 3];
        foreach (var cells in lines.Skip(1).Select(l => l.Split(',')).Where(c => c[1] == majorCategory))
        {
            for (var i = 0; i < totals.Length; i++)
            {
                totals[i] += double.Parse(cells[3 + i], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return [.. totals];
    }
}
