using Metrics.Analytics.Spc;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;

namespace Metrics.Analytics.Commentary;

/// <summary>Which way the month moved from the month before.</summary>
public enum Direction
{
    Increase,
    Decrease,
    NoChange,
}

/// <summary>Where the month sits against its monthly average and expected range.</summary>
public enum Position
{
    /// <summary>Above the expected range (the upper process limit): exceptional.</summary>
    SignificantlyAbove,
    Above,
    InLine,
    Below,

    /// <summary>Below the expected range (the lower process limit): exceptional.</summary>
    SignificantlyBelow,
}

/// <summary>How commentary reads a month.</summary>
public sealed record CommentaryOptions
{
    /// <summary>Months of history the expected range is drawn from, ending with the month.</summary>
    public int ChartMonths { get; init; } = 36;

    /// <summary>
    /// Fewer months than this give no monthly average or expected range: an "average" of two
    /// or three months says nothing an analyst would print. Between this and 12 the limits are trial limits.
    /// </summary>
    public int MinimumMonthsForAverage { get; init; } = 6;

    /// <summary>Within this fraction of the monthly average, a month is "in line with" it.</summary>
    public double InLineTolerance { get; init; } = 0.02;

    public SpcOptions Spc { get; init; } = SpcOptions.Default;

    public static CommentaryOptions Default { get; } = new();
}

/// <summary>
/// A measure's month for one area, read the way the report reads it: the value, the month
/// before, the monthly average (the chart's centre line) and the expected range (its limits).
/// ChartMonths gives the month of each of the chart's points.
/// </summary>
public sealed record MonthReading(
    MeasureDefinition Measure,
    AreaDefinition Area,
    YearMonth Month,
    double Value,
    double? Previous,
    double? MonthlyAverage,
    Direction? Direction,
    Position? Position,
    SpcChart? Chart,
    IReadOnlyList<YearMonth> ChartMonths)
{
    /// <summary>Months stored in the chart's span up to the month: what the expected range rests on, or why there is none.</summary>
    public int MonthsRead { get; init; }

    /// <summary>The monthly average is the one the force published: too few months are stored to draw the chart it comes from.</summary>
    public bool AverageIsPublished { get; init; }

    /// <summary>Outside the expected range: the report's "exceptional".</summary>
    public bool IsExceptional => Position is Commentary.Position.SignificantlyAbove or Commentary.Position.SignificantlyBelow;

    /// <summary>
    /// With the monthly average the force published, when too few months are stored to draw the
    /// chart: the month reads as above, below or in line with it (never "significantly": that
    /// needs the limits, which were not published).
    /// </summary>
    public MonthReading WithPublishedAverage(double? published, CommentaryOptions? options = null)
    {
        if (Chart is not null || published is not { } average)
        {
            return this;
        }

        var tolerance = (options ?? CommentaryOptions.Default).InLineTolerance * Math.Abs(average);
        var position = Math.Abs(Value - average) <= tolerance ? Commentary.Position.InLine
            : Value > average ? Commentary.Position.Above
            : Commentary.Position.Below;
        return this with { MonthlyAverage = average, Position = position, AverageIsPublished = true };
    }

    /// <summary>
    /// Reads the month from the monthly values up to it (null where a month is not stored).
    /// Null when the month itself is not stored.
    /// </summary>
    public static MonthReading? Read(
        MeasureDefinition measure,
        AreaDefinition area,
        YearMonth month,
        IReadOnlyList<(YearMonth Month, double? Value)> monthly,
        CommentaryOptions? options = null)
    {
        options ??= CommentaryOptions.Default;
        var known = monthly
            .Where(m => m.Month <= month && m.Month > month.AddMonths(-options.ChartMonths) && m.Value.HasValue)
            .OrderBy(m => m.Month)
            .Select(m => (m.Month, Value: m.Value!.Value))
            .ToList();
        if (known.Count == 0 || known[^1].Month != month)
        {
            return null;
        }

        var value = known[^1].Value;
        var previousMonth = month.AddMonths(-1);
        double? previous = known.Count > 1 && known[^2].Month == previousMonth ? known[^2].Value : null;
        Direction? direction = previous is { } p ? (value > p ? Commentary.Direction.Increase : value < p ? Commentary.Direction.Decrease : Commentary.Direction.NoChange) : null;
        if (known.Count < Math.Max(2, options.MinimumMonthsForAverage))
        {
            return new MonthReading(measure, area, month, value, previous, null, direction, null, null, []) { MonthsRead = known.Count };
        }

        var chart = XmrChart.Compute([.. known.Select(k => k.Value)], measure.Polarity, options.Spc);
        var latest = chart.Points[^1];
        var position = value > latest.UpperLimit ? Commentary.Position.SignificantlyAbove
            : value < latest.LowerLimit ? Commentary.Position.SignificantlyBelow
            : Math.Abs(value - latest.Mean) <= options.InLineTolerance * Math.Abs(latest.Mean) ? Commentary.Position.InLine
            : value > latest.Mean ? Commentary.Position.Above
            : Commentary.Position.Below;
        return new MonthReading(measure, area, month, value, previous, latest.Mean, direction, position, chart, [.. known.Select(k => k.Month)]) { MonthsRead = known.Count };
    }
}
