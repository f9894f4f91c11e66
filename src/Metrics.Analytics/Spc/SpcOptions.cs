namespace Metrics.Analytics.Spc;

/// <summary>
/// How an XmR chart is drawn, with NHSRplotthedots' defaults. NHS England's "Making Data
/// Count" spreadsheet does not screen moving ranges; the R package does: say which.
/// </summary>
public sealed record SpcOptions
{
    /// <summary>Fewer baseline points than this give trial limits, and the chart says so.</summary>
    public const int PointsForFirmLimits = 12;

    /// <summary>Limits from the first N points of each segment only; null for every point.</summary>
    public int? FixAfterPoints { get; init; }

    /// <summary>Indexes of the points that start a new segment with its own limits (a rebase).</summary>
    public IReadOnlyList<int> RebaseAt { get; init; } = [];

    /// <summary>Leave out moving ranges of at least 3.267 times their mean before taking the mean again.</summary>
    public bool ScreenOutlyingMovingRanges { get; init; } = true;

    /// <summary>Points in a row on one side of the mean that make a shift.</summary>
    public int ShiftLength { get; init; } = 7;

    /// <summary>Points in a row, each higher (or lower) than the one before, that make a trend.</summary>
    public int TrendLength { get; init; } = 7;

    public static SpcOptions Default { get; } = new();
}
