using System.Globalization;

namespace Metrics.Analytics.Spc;

/// <summary>Why a point is special cause, in words an analyst would write beside the chart.</summary>
public static class SpcReasons
{
    public static IReadOnlyList<string> Describe(SpcPoint point, SpcOptions? options = null)
    {
        options ??= SpcOptions.Default;
        var high = point.Variation is Variation.ImprovementHigh or Variation.ConcernHigh or Variation.NeitherHigh;
        var reasons = new List<string>();
        if (point.Rules.HasFlag(SpcRule.OutsideLimits))
        {
            reasons.Add(point.Value > point.UpperLimit
                ? $"above the upper limit ({Format(point.UpperLimit)})"
                : $"below the lower limit ({Format(point.LowerLimit)})");
        }

        if (point.Rules.HasFlag(SpcRule.Shift))
        {
            reasons.Add($"part of a run of {options.ShiftLength} or more months {(high ? "above" : "below")} the mean ({Format(point.Mean)})");
        }

        if (point.Rules.HasFlag(SpcRule.Trend))
        {
            reasons.Add($"part of a run of {options.TrendLength} or more months each {(high ? "higher" : "lower")} than the one before");
        }

        if (point.Rules.HasFlag(SpcRule.TwoOfThreeNearLimit))
        {
            reasons.Add($"two of three months beyond the near-limit band {(high ? "above" : "below")} the mean");
        }

        return reasons;
    }

    private static string Format(double value) => value.ToString("#,##0.##", CultureInfo.InvariantCulture);
}
