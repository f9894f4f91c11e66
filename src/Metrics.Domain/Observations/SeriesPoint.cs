using Metrics.Domain.Calendar;

namespace Metrics.Domain.Observations;

/// <summary>A point of a series: a period's figure with how much of the period is known.</summary>
public sealed record SeriesPoint(
    Period Period,
    string Label,
    double? Value,
    double? Numerator,
    double? Denominator,
    int MonthsWithData,
    bool Complete);
