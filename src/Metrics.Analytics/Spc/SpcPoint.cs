namespace Metrics.Analytics.Spc;

/// <summary>What a special-cause point means, read with the measure's polarity.</summary>
public enum Variation
{
    CommonCause,
    ImprovementHigh,
    ImprovementLow,
    ConcernHigh,
    ConcernLow,
    NeitherHigh,
    NeitherLow,
}

/// <summary>The special-cause rules a point is part of.</summary>
[Flags]
public enum SpcRule
{
    None = 0,

    /// <summary>A point outside the process limits.</summary>
    OutsideLimits = 1,

    /// <summary>Part of a run of points on one side of the mean.</summary>
    Shift = 2,

    /// <summary>Part of a run of points each higher (or lower) than the one before.</summary>
    Trend = 4,

    /// <summary>Two of three points beyond the near-limit band on the same side.</summary>
    TwoOfThreeNearLimit = 8,
}

/// <summary>A point of an XmR chart with its segment's centre line and limits.</summary>
public sealed record SpcPoint(
    int Index,
    double Value,
    double? MovingRange,
    double Mean,
    double LowerLimit,
    double UpperLimit,
    double LowerNearLimit,
    double UpperNearLimit,
    int Segment,
    SpcRule Rules,
    Variation Variation);

/// <summary>Whether the process can meet a target, from the latest segment's limits.</summary>
public enum Assurance
{
    None,
    ConsistentlyPass,
    ConsistentlyFail,
    Inconsistent,
}

/// <summary>An XmR chart: every point with its limits and special-cause reading.</summary>
public sealed record SpcChart(IReadOnlyList<SpcPoint> Points, bool TrialLimits, int BaselinePoints, Assurance Assurance)
{
    /// <summary>The reading of the latest point.</summary>
    public Variation Latest => Points.Count == 0 ? Variation.CommonCause : Points[^1].Variation;
}
