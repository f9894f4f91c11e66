namespace Metrics.Domain.Calendar;

/// <summary>The force's clock: days, months and weeks begin at midnight in the UK, across BST.</summary>
public static class UkTime
{
    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>Midnight starting a date, as an instant.</summary>
    public static DateTimeOffset Midnight(DateTime date) => new(date.Date, Zone.GetUtcOffset(date.Date));
}
