using System.Globalization;

namespace Metrics.Domain.Calendar;

/// <summary>A calendar month: the unit every monthly measure is reported in.</summary>
public readonly record struct YearMonth : IComparable<YearMonth>
{
    /// <summary>The years a figure may be for (what parsing and requests accept).</summary>
    public const int MinYear = 1900;

    /// <inheritdoc cref="MinYear"/>
    public const int MaxYear = 2999;

    /// <summary>
    /// Any month of the Gregorian calendar: arithmetic from an accepted month (a year before,
    /// three years of chart) may step outside the accepted years without failing.
    /// </summary>
    public YearMonth(int year, int month)
    {
        if (year is < 1 or > 9999)
        {
            throw new ArgumentOutOfRangeException(nameof(year), year, "year must be 1 to 9999");
        }

        if (month is < 1 or > 12)
        {
            throw new ArgumentOutOfRangeException(nameof(month), month, "month must be 1 to 12");
        }

        Year = year;
        Month = month;
    }

    public int Year { get; }

    public int Month { get; }

    /// <summary>The month as stored: yyyymm, which sorts in time order.</summary>
    public int Key => (Year * 100) + Month;

    public static bool IsValid(int year, int month) =>
        year is >= MinYear and <= MaxYear && month is >= 1 and <= 12;

    public static YearMonth FromKey(int key) => new(key / 100, key % 100);

    /// <summary>Parses "2019-03" (police.uk and seed files) or "201903" (wide monthly tables).</summary>
    public static bool TryParse(string? text, out YearMonth month)
    {
        month = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var digits = text.Trim().Replace("-", string.Empty, StringComparison.Ordinal);
        if (digits.Length != 6 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var key))
        {
            return false;
        }

        if (!IsValid(key / 100, key % 100))
        {
            return false;
        }

        month = FromKey(key);
        return true;
    }

    public YearMonth AddMonths(int months)
    {
        var index = (Year * 12) + (Month - 1) + months;
        return new YearMonth(index / 12, (index % 12) + 1);
    }

    /// <summary>Months from this one to <paramref name="later"/>: 0 for the same month.</summary>
    public int MonthsUntil(YearMonth later) => ((later.Year - Year) * 12) + (later.Month - Month);

    public FinancialYear FinancialYear => FinancialYear.Containing(this);

    public int CompareTo(YearMonth other) => Key.CompareTo(other.Key);

    public static bool operator <(YearMonth left, YearMonth right) => left.Key < right.Key;

    public static bool operator >(YearMonth left, YearMonth right) => left.Key > right.Key;

    public static bool operator <=(YearMonth left, YearMonth right) => left.Key <= right.Key;

    public static bool operator >=(YearMonth left, YearMonth right) => left.Key >= right.Key;

    /// <summary>The month as the report writes it: "Mar 2019".</summary>
    public override string ToString() =>
        new DateTime(Year, Month, 1).ToString("MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>"2019-03".</summary>
    public string ToIsoString() => $"{Year:D4}-{Month:D2}";
}
