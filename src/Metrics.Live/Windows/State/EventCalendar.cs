using Metrics.Domain.Calendar;

namespace Metrics.Live.Windows.State;

/// <summary>Where days and months start in the force's time zone, right across the clock changes.</summary>
internal sealed class EventCalendar(TimeZoneInfo zone)
{
    private (DateTimeOffset From, DateTimeOffset To, YearMonth Month) _monthCache = (DateTimeOffset.MaxValue, DateTimeOffset.MinValue, default);

    /// <summary>Local midnight of the day <paramref name="at"/> falls in, as an instant.</summary>
    public DateTimeOffset TodayStarted(DateTimeOffset at)
    {
        var midnight = TimeZoneInfo.ConvertTime(at, zone).Date;
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }

    /// <summary>The calendar month (local time) an instant falls in.</summary>
    public YearMonth MonthOf(DateTimeOffset at)
    {
        // Events come mostly in order: keep the last month's bounds rather than convert each time.
        if (at >= _monthCache.From && at < _monthCache.To)
        {
            return _monthCache.Month;
        }

        var local = TimeZoneInfo.ConvertTime(at, zone);
        var month = new YearMonth(local.Year, local.Month);
        _monthCache = (LocalMidnight(month.Year, month.Month), LocalMidnight(month.AddMonths(1).Year, month.AddMonths(1).Month), month);
        return month;
    }

    private DateTimeOffset LocalMidnight(int year, int month)
    {
        var midnight = new DateTime(year, month, 1);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }
}
