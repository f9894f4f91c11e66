namespace Metrics.Domain.Calendar;

/// <summary>The period each point of a series covers.</summary>
public enum Granularity
{
    Month,
    Quarter,
    FinancialYear,
}

public static class GranularityPeriods
{
    /// <summary>The period of the given granularity that holds a month.</summary>
    public static Period PeriodContaining(this Granularity granularity, YearMonth month) => granularity switch
    {
        Granularity.Month => Period.Month(month),
        Granularity.Quarter => new Period(new YearMonth(month.Year, (((month.Month - 1) / 3) * 3) + 1), 3),
        Granularity.FinancialYear => month.FinancialYear.Period,
        _ => throw new ArgumentOutOfRangeException(nameof(granularity), granularity, null),
    };

    /// <summary>The period as the report writes it: "Mar 2019", "Q1 2019", "2018/19".</summary>
    public static string Label(this Granularity granularity, Period period) => granularity switch
    {
        Granularity.Month => period.First.ToString(),
        Granularity.Quarter => $"Q{((period.First.Month - 1) / 3) + 1} {period.First.Year}",
        Granularity.FinancialYear => period.First.FinancialYear.ToString(),
        _ => throw new ArgumentOutOfRangeException(nameof(granularity), granularity, null),
    };

    /// <summary>The periods of the granularity that cover a range of months, in order.</summary>
    public static IReadOnlyList<Period> PeriodsCovering(this Granularity granularity, YearMonth first, YearMonth last)
    {
        var periods = new List<Period>();
        var period = granularity.PeriodContaining(first);
        while (period.First <= last)
        {
            periods.Add(period);
            period = granularity.PeriodContaining(period.Last.AddMonths(1));
        }

        return periods;
    }
}
