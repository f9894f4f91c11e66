using Metrics.Analytics.Comparisons;
using Metrics.Analytics.Summary;
using Metrics.Domain.Calendar;

namespace Metrics.Analytics.Report;

/// <summary>A projection placed on the calendar: the month each forecast point is for.</summary>
public sealed record PlacedProjection(Projection.Projection Projection, YearMonth LastMonthOfHistory)
{
    public YearMonth MonthOf(Projection.ForecastPoint point) => LastMonthOfHistory.AddMonths(point.StepsAhead);
}

/// <summary>
/// A topic of the report: its summary row, the projection drawn on its chart if there is one,
/// and the headline's comparisons for the force (null when the month has no figure).
/// </summary>
public sealed record ReportTopic(SummaryRow Row, PlacedProjection? Projection, MonthComparison? Comparison = null)
{
    /// <summary>Why the chart has no projection, when it has none.</summary>
    public string NoProjection { get; init; } = "";

    /// <summary>The fewest months the expected range is drawn from (CommentaryOptions.MinimumMonthsForAverage).</summary>
    public int MinimumMonthsForChart { get; init; } = 6;
}

/// <summary>A section of the report with its topics.</summary>
public sealed record ReportSection(string Name, IReadOnlyList<ReportTopic> Topics);

/// <summary>Everything the month's report shows, computed; rendering adds nothing but layout.</summary>
public sealed record ReportDocument(string ForceName, YearMonth Month, DateTimeOffset Generated, IReadOnlyList<ReportSection> Sections);
