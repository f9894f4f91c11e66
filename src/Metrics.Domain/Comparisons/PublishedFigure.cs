using Metrics.Domain.Calendar;

namespace Metrics.Domain.Comparisons;

/// <summary>What a published figure is, when it cannot be worked out from the months stored.</summary>
public enum PublishedStatistic
{
    /// <summary>The mean of the 12 months before the month, as a report's area comparison prints it.</summary>
    TwelveMonthAverage = 1,

    /// <summary>The monthly average a report's commentary gives (its chart's centre line, over months it does not list).</summary>
    MonthlyAverage = 2,
}

/// <summary>
/// A figure a force has published that the service cannot derive from the months it holds (a
/// 12-month average printed over months it was never given), kept as published and used, marked
/// so, only where the stored months fall short of what the figure names.
/// </summary>
public sealed record PublishedFigure(string MeasureId, string AreaCode, YearMonth Month, PublishedStatistic Statistic, double Value);
