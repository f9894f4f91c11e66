using Metrics.Analytics.Commentary;
using Metrics.Analytics.Comparisons;
using Metrics.Analytics.Projection;
using Metrics.Analytics.Spc;
using Metrics.Analytics.Summary;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;

namespace Metrics.Server.Analytics;

/// <summary>Which series a question is about: a measure for an area, and a breakdown ("" for its total).</summary>
internal sealed record SeriesSelection(string MeasureId, string AreaCode, string Breakdown);

/// <summary>What an analyst writes about a measure's month: its comparisons, its reading against the expected range, and the report's sentences.</summary>
internal sealed record MeasureSummary(
    MeasureDefinition Measure,
    AreaDefinition Area,
    YearMonth Month,
    string Breakdown,
    MonthComparison Comparison,
    MonthReading Reading,
    SpcOptions Spc,
    string Data,
    string Narrative);

/// <summary>A control chart's choices: where to rebase, when to fix the limits, whether to screen moving ranges, a target to assure against.</summary>
internal sealed record ControlChartChoices(IReadOnlyList<YearMonth> RebaseAt, int? FixAfterMonths, bool ScreenOutlyingMovingRanges, double? Target);

/// <summary>An XmR chart of a series, each point with its month.</summary>
internal sealed record ControlChart(
    MeasureDefinition Measure, AreaDefinition Area, string Breakdown, SpcChart Chart, IReadOnlyList<YearMonth> Months, SpcOptions Spc);

/// <summary>A projection from the unbroken history ending with <see cref="Last"/>.</summary>
internal sealed record ProjectionResult(
    MeasureDefinition Measure, AreaDefinition Area, string Breakdown, YearMonth First, YearMonth Last, Projection Projection);

/// <summary>The report's first page: the force, the month, and each section's rows.</summary>
internal sealed record SummaryPage(AreaDefinition Force, YearMonth Month, SpcOptions Spc, IReadOnlyList<(string Name, IReadOnlyList<SummaryRow> Rows)> Sections);

/// <summary>The month's report as one self-contained HTML document.</summary>
internal sealed record ReportFile(string Html, string FileName);

/// <summary>Rolling three-month outcome rates of a measure for an area.</summary>
internal sealed record OutcomeRatesResult(MeasureDefinition Measure, AreaDefinition Area, IReadOnlyList<OutcomeWindow> Windows);
