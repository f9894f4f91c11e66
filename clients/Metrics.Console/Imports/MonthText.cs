using System.Globalization;
using System.Text.RegularExpressions;
using Metrics.Contracts.V1;

namespace Metrics.Console.Imports;

/// <summary>
/// Months as data files write them: 2019-03, 201903, 2019/03, 2019-03-01 (any day of the month),
/// Mar-19, Mar 2019, March 2019, Mar-2019, 2019 Mar, 1995 January. A two-digit year is 20yy below
/// 50 and 19yy from 50 (Mar-19 is 2019, Apr-95 is 1995). All-number dates with the day and
/// month in either order (01/03/2019) are refused: 1 March in the UK, 3 January in the US.
/// </summary>
public static partial class MonthText
{
    private static readonly string[] Names =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    [GeneratedRegex(@"^(?<year>\d{4})[-/]?(?<month>\d{2})$")]
    private static partial Regex YearMonthNumbers();

    [GeneratedRegex(@"^(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})(?:[T ].*)?$")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^(?<name>[A-Za-z]{3,9})\.?[- ](?<year>\d{4}|\d{2})$")]
    private static partial Regex NameThenYear();

    [GeneratedRegex(@"^(?<year>\d{4})[- ](?<name>[A-Za-z]{3,9})\.?$")]
    private static partial Regex YearThenName();

    [GeneratedRegex(@"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")]
    private static partial Regex DayAndMonthInSomeOrder();

    public static bool TryParse(string text, out YearMonth month) => TryParse(text, out month, out _);

    /// <summary>The month the text writes, or why it is not one.</summary>
    public static bool TryParse(string text, out YearMonth month, out string why)
    {
        month = new YearMonth();
        var value = text.Trim();
        why = $"'{value}' is not a month: write it 2019-03";
        int year, number;
        if (YearMonthNumbers().Match(value) is { Success: true } numbers)
        {
            (year, number) = (Int(numbers, "year"), Int(numbers, "month"));
        }
        else if (IsoDate().Match(value) is { Success: true } date)
        {
            (year, number) = (Int(date, "year"), Int(date, "month"));
            var day = Int(date, "day");
            if (number is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, number))
            {
                return false;
            }
        }
        else if ((NameThenYear().Match(value) is { Success: true } named ? named : YearThenName().Match(value)) is { Success: true } withName)
        {
            number = MonthNumber(withName.Groups["name"].Value);
            var written = withName.Groups["year"].Value;
            year = Int(withName, "year");
            year = written.Length == 2 ? (year < 50 ? 2000 + year : 1900 + year) : year;
        }
        else
        {
            if (DayAndMonthInSomeOrder().IsMatch(value))
            {
                why = $"'{value}' could be day first (the UK) or month first (the US): write the month as 2019-03";
            }

            return false;
        }

        if (number is < 1 or > 12 || year is < 1900 or > 2999)
        {
            return false;
        }

        month = new YearMonth { Year = year, Month = number };
        return true;
    }

    /// <summary>1 to 12 for an English month name or its first three letters or more ("Sept"), else 0.</summary>
    private static int MonthNumber(string name)
    {
        var lower = name.ToLowerInvariant();
        var index = Array.FindIndex(Names, n => n.StartsWith(lower, StringComparison.Ordinal) && lower.Length >= 3);
        return index + 1;
    }

    private static int Int(Match match, string group) => int.Parse(match.Groups[group].Value, NumberStyles.None, CultureInfo.InvariantCulture);
}
