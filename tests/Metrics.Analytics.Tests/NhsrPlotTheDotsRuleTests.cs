using Metrics.Analytics.Spc;
using Metrics.Domain.Catalogue;

namespace Metrics.Analytics.Tests;

/// <summary>
/// The special-cause rules against the reference implementation's own expectations
/// (NHSRplotthedots, tests/testthat/test-ptd_calculate_point_type.R): each case there gives
/// a pattern of points relative to the mean, the band or each other, and which points are
/// flagged. Here each pattern follows a fixed baseline (12 points alternating -1 and +1: mean
/// 0, limits ±5.32, near-limit band from ±3.55) and a point on the mean that ends any run.
/// </summary>
public sealed class NhsrPlotTheDotsRuleTests
{
    // ptd_seven_point_one_side_mean: signs relative to the mean; the package marks runs of 7+.
    [Theory]
    [InlineData(new[] { 1, 1, 1, 1, 1, 1 }, new[] { 0, 0, 0, 0, 0, 0 })]
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, -1 }, new[] { 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, 1, 1, -1 }, new[] { 1, 1, 1, 1, 1, 1, 1, 1, 0 })]
    [InlineData(new[] { -1, -1, -1, -1, -1, -1, -1, -1, 1 }, new[] { 1, 1, 1, 1, 1, 1, 1, 1, 0 })]
    public void SevenOnOneSideOfTheMean(int[] sides, int[] flagged)
    {
        var rules = RulesAfterBaseline([.. sides.Select(s => (double)s)]);

        Assert.Equal(flagged, rules.Select(r => r.HasFlag(SpcRule.Shift) ? 1 : 0));
    }

    // ptd_seven_point_trend: 1:7 is a trend (7 points, 6 rises); 1:6 is not; a repeat breaks it.
    [Theory]
    [InlineData(new[] { 1, 2, 3, 4, 5, 6 }, new[] { 0, 0, 0, 0, 0, 0 })]
    [InlineData(new[] { 1, 2, 3, 3, 4, 5, 6 }, new[] { 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new[] { 1, 2, 3, 4, 5, 6, 7 }, new[] { 1, 1, 1, 1, 1, 1, 1 })]
    [InlineData(new[] { 2, 1, 2, 3, 4, 5, 6, 7, 3 }, new[] { 0, 1, 1, 1, 1, 1, 1, 1, 0 })]
    [InlineData(new[] { 7, 6, 5, 4, 3, 2, 1 }, new[] { 1, 1, 1, 1, 1, 1, 1 })]
    [InlineData(new[] { 2, 7, 6, 5, 4, 3, 2, 1, 3 }, new[] { 0, 1, 1, 1, 1, 1, 1, 1, 0 })]
    public void SevenPointTrend(int[] levels, int[] flagged)
    {
        // Levels 1 to 7 straddle the mean (-0.25 to 0.35) so that no run on one side forms.
        var rules = RulesAfterBaseline([.. levels.Select(k => (0.1 * k) - 0.35)]);

        Assert.Equal(flagged, rules.Select(r => r.HasFlag(SpcRule.Trend) ? 1 : 0));
    }

    // ptd_two_in_three and ptd_part_of_two_in_three: 1 = close to a limit (beyond the near-limit
    // band, inside the limits), 2 = outside the limits (not close: close_to_limits excludes it);
    // sides relative to the mean, which all three of a window must share. Only close points are flagged.
    [Theory]
    [InlineData(new[] { 1, 0, 1 }, new[] { 1, 1, 1 }, new[] { 1, 0, 1 })]
    [InlineData(new[] { 0, 1, 1 }, new[] { 1, 1, 1 }, new[] { 0, 1, 1 })]
    [InlineData(new[] { 1, 1, 0 }, new[] { 1, 1, 1 }, new[] { 1, 1, 0 })]
    [InlineData(new[] { 0, 0, 1, 0, 1, 0, 0 }, new[] { 1, 1, 1, 1, 1, 1, 1 }, new[] { 0, 0, 1, 0, 1, 0, 0 })]
    [InlineData(new[] { 0, 0, 1, 1, 0, 0, 0 }, new[] { 1, 1, 1, 1, 1, 1, 1 }, new[] { 0, 0, 1, 1, 0, 0, 0 })]
    [InlineData(new[] { 1, 0, 0, 1 }, new[] { 1, 1, 1, 1 }, new[] { 0, 0, 0, 0 })]
    [InlineData(new[] { 1, 0, 0, 1, 1 }, new[] { 1, 1, 1, 1, 1 }, new[] { 0, 0, 0, 1, 1 })]
    // "when points are on opposite sides of the mean": none.
    [InlineData(new[] { 1, 0, 1 }, new[] { 1, -1, 1 }, new[] { 0, 0, 0 })]
    [InlineData(new[] { 0, 1, 1 }, new[] { 1, -1, 1 }, new[] { 0, 0, 0 })]
    [InlineData(new[] { 1, 1, 0 }, new[] { 1, -1, 1 }, new[] { 0, 0, 0 })]
    [InlineData(new[] { 0, 0, 1, 0, 1, 0, 0 }, new[] { 1, -1, 1, -1, 1, -1, 1 }, new[] { 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new[] { 0, 0, 1, 1, 0, 0, 0 }, new[] { -1, 1, -1, 1, -1, 1, -1 }, new[] { 0, 0, 0, 0, 0, 0, 0 })]
    // A point outside the limits is not close to them: beside one close point it makes no pair.
    [InlineData(new[] { 2, 1, 0 }, new[] { 1, 1, 1 }, new[] { 0, 0, 0 })]
    [InlineData(new[] { 2, 1, 1 }, new[] { 1, 1, 1 }, new[] { 0, 1, 1 })]
    public void TwoInThreeCloseToALimitOnOneSideOfTheMean(int[] closeness, int[] sides, int[] flagged)
    {
        // 4.0 is beyond the band (3.55) and inside the limit (5.32); 6.0 is outside; 0.5 is neither.
        var rules = RulesAfterBaseline([.. closeness.Zip(sides, (c, side) => side * (c == 2 ? 6.0 : c == 1 ? 4.0 : 0.5))]);

        Assert.Equal(flagged, rules.Select(r => r.HasFlag(SpcRule.TwoOfThreeNearLimit) ? 1 : 0));
        Assert.Equal(closeness.Select(c => c == 2 ? 1 : 0), rules.Select(r => r.HasFlag(SpcRule.OutsideLimits) ? 1 : 0));
    }

    private static List<SpcRule> RulesAfterBaseline(IReadOnlyList<double> pattern)
    {
        var baseline = Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? -1.0 : 1.0);
        var values = baseline.Append(0.0).Concat(pattern).ToList();

        var chart = XmrChart.Compute(values, Polarity.Neither, new SpcOptions { FixAfterPoints = 12 });

        Assert.Equal(0, chart.Points[0].Mean, 9);
        Assert.Equal(2.66 * 2, chart.Points[0].UpperLimit, 9);
        return [.. chart.Points.Skip(13).Select(p => p.Rules)];
    }
}
