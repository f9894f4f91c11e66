using Metrics.Domain.Catalogue;

namespace Metrics.Analytics.Spc;

/// <summary>
/// The statistical-process-control chart UK public services draw (NHS England's "Making
/// Data Count"): centre line = mean of the baseline; limits = mean ± 2.66 × mean moving range;
/// the near-limit band at two thirds of that distance; special cause by rule; improvement or
/// concern by the measure's polarity.
/// </summary>
public static class XmrChart
{
    /// <summary>3 / d2 for moving ranges of two points (d2 = 1.128).</summary>
    public const double LimitFactor = 2.66;

    /// <summary>Moving ranges at least this many times the mean are screened out (D4 for n = 2).</summary>
    public const double MovingRangeScreen = 3.267;

    public static SpcChart Compute(IReadOnlyList<double> values, Polarity polarity, SpcOptions? options = null, double? target = null)
    {
        options ??= SpcOptions.Default;
        var starts = options.RebaseAt.Where(i => i > 0 && i < values.Count).Append(0).Distinct().Order().ToList();
        var points = new List<SpcPoint>(values.Count);
        var trial = false;
        var baselinePoints = 0;
        for (var s = 0; s < starts.Count; s++)
        {
            var start = starts[s];
            var end = s + 1 < starts.Count ? starts[s + 1] : values.Count;
            var segment = values.Skip(start).Take(end - start).ToList();
            var baseline = options.FixAfterPoints is { } n ? segment.Take(n).ToList() : segment;
            var (mean, meanMovingRange) = Limits(baseline, options.ScreenOutlyingMovingRanges);
            var half = LimitFactor * meanMovingRange;
            var rules = Rules(segment, mean, mean - half, mean + half, mean - (half * 2 / 3), mean + (half * 2 / 3), options);
            for (var i = 0; i < segment.Count; i++)
            {
                double? movingRange = i == 0 ? null : Math.Abs(segment[i] - segment[i - 1]);
                points.Add(new SpcPoint(
                    start + i, segment[i], movingRange, mean, mean - half, mean + half, mean - (half * 2 / 3), mean + (half * 2 / 3),
                    s, rules[i].Rules, Read(rules[i].Rules, rules[i].High, polarity)));
            }

            trial = baseline.Count < SpcOptions.PointsForFirmLimits;
            baselinePoints = baseline.Count;
        }

        return new SpcChart(points, trial, baselinePoints, AssuranceOf(points.LastOrDefault(), polarity, target));
    }

    /// <summary>The centre line and the mean moving range of a baseline.</summary>
    public static (double Mean, double MeanMovingRange) Limits(IReadOnlyList<double> baseline, bool screen)
    {
        if (baseline.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        var mean = baseline.Average();
        var movingRanges = baseline.Skip(1).Select((v, i) => Math.Abs(v - baseline[i])).ToList();
        if (movingRanges.Count == 0)
        {
            return (mean, 0);
        }

        var meanMovingRange = movingRanges.Average();
        if (screen)
        {
            var kept = movingRanges.Where(r => r < MovingRangeScreen * meanMovingRange).ToList();
            meanMovingRange = kept.Count > 0 ? kept.Average() : meanMovingRange;
        }

        return (mean, meanMovingRange);
    }

    private static (SpcRule Rules, bool High)[] Rules(
        List<double> values, double mean, double lower, double upper, double lowerNear, double upperNear, SpcOptions options)
    {
        var result = new (SpcRule Rules, bool High)[values.Count];
        void Flag(int i, SpcRule rule, bool high)
        {
            // A point outside the limits keeps its own side; otherwise the latest rule's side stands.
            var keepSide = result[i].Rules.HasFlag(SpcRule.OutsideLimits);
            result[i] = (result[i].Rules | rule, keepSide ? result[i].High : high);
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] > upper || values[i] < lower)
            {
                result[i] = (SpcRule.OutsideLimits, values[i] > upper);
            }
        }

        // Shift: a run on one side of the mean; a point on the mean breaks it.
        FlagRuns(values.Count, options.ShiftLength, i => Math.Sign(values[i] - mean), (i, side) => Flag(i, SpcRule.Shift, side > 0));

        // Trend: each point strictly higher (or lower) than the one before; the run's first point counts.
        FlagRuns(values.Count, options.TrendLength, i => i == 0 ? 0 : Math.Sign(values[i] - values[i - 1]), (i, side) => Flag(i, SpcRule.Trend, side > 0), includePrevious: true);

        // Two of three close to a limit (beyond the near-limit band, inside the limits) with all
        // three on the same side of the mean: flag the close ones. As NHSRplotthedots: a point
        // outside the limits is not close to them, and a window across the mean does not count.
        bool Close(int j) => values[j] <= upper && values[j] >= lower && (values[j] > upperNear || values[j] < lowerNear);
        for (var i = 0; i + 2 < values.Count; i++)
        {
            var window = Enumerable.Range(i, 3).ToList();
            var side = Math.Sign(values[i] - mean);
            if (side != 0 && window.All(j => Math.Sign(values[j] - mean) == side) && window.Count(Close) >= 2)
            {
                window.Where(Close).ToList().ForEach(j => Flag(j, SpcRule.TwoOfThreeNearLimit, side > 0));
            }
        }

        return result;
    }

    /// <summary>Calls <paramref name="flag"/> for every point in a run of at least <paramref name="length"/> equal non-zero signs.</summary>
    private static void FlagRuns(int count, int length, Func<int, int> sign, Action<int, int> flag, bool includePrevious = false)
    {
        var runStart = 0;
        for (var i = 0; i <= count; i++)
        {
            var continues = i < count && i > runStart && sign(i) != 0 && sign(i) == sign(runStart);
            if (continues)
            {
                continue;
            }

            var side = runStart < count ? sign(runStart) : 0;
            var first = includePrevious && runStart > 0 ? runStart - 1 : runStart;
            if (side != 0 && i - first >= length)
            {
                for (var j = first; j < i; j++)
                {
                    flag(j, side);
                }
            }

            runStart = i;
        }
    }

    private static Variation Read(SpcRule rules, bool high, Polarity polarity)
    {
        if (rules == SpcRule.None)
        {
            return Variation.CommonCause;
        }

        return (polarity, high) switch
        {
            (Polarity.UpIsGood, true) or (Polarity.DownIsGood, false) => high ? Variation.ImprovementHigh : Variation.ImprovementLow,
            (Polarity.UpIsGood, false) or (Polarity.DownIsGood, true) => high ? Variation.ConcernHigh : Variation.ConcernLow,
            _ => high ? Variation.NeitherHigh : Variation.NeitherLow,
        };
    }

    private static Assurance AssuranceOf(SpcPoint? latest, Polarity polarity, double? target)
    {
        if (latest is null || target is not { } t || polarity == Polarity.Neither)
        {
            return Assurance.None;
        }

        var passesAll = polarity == Polarity.UpIsGood ? latest.LowerLimit > t : latest.UpperLimit < t;
        var failsAll = polarity == Polarity.UpIsGood ? latest.UpperLimit < t : latest.LowerLimit > t;
        return passesAll ? Assurance.ConsistentlyPass : failsAll ? Assurance.ConsistentlyFail : Assurance.Inconsistent;
    }
}
