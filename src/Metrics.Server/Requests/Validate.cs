using Metrics.Domain.Calendar;
using Metrics.Domain.Requests;
using Metrics.Storage;

namespace Metrics.Server.Requests;

/// <summary>
/// Checks of the values a request carries, whichever way it came (an RPC, a seed file, the
/// report page), each failing with <see cref="InvalidFieldException"/> naming the field.
/// </summary>
internal static class Validate
{
    public const int MaxKeyLength = StoredText.KeyLength;
    public const int MaxBreakdownLength = StoredText.NameLength;

    /// <summary>An id or code, as the store compares it: present, not too long, nothing blank at either end.</summary>
    public static string Key(string? value, string field) =>
        KeyProblem(value) is { } why ? throw new InvalidFieldException(field, why) : value!;

    /// <summary>What is wrong with an id or code (without its field's name), or null: the one rule for ids, however they arrive.</summary>
    public static string? KeyProblem(string? value) =>
        string.IsNullOrWhiteSpace(value) ? "is required"
        : value.Length > MaxKeyLength ? $"is {value.Length} characters; the most is {MaxKeyLength}"
        : char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) ? $"'{StoredText.Quote(value)}' begins or ends with white space; ids are compared exactly"
        : null;

    /// <summary>Text that is shown, not compared: no longer than its column, trimmed.</summary>
    public static string Text(string? value, string field, int most) =>
        value is { Length: > 0 } && value.Length > most
            ? throw new InvalidFieldException(field, $"is {value.Length} characters; the most is {most}")
            : value?.Trim() ?? string.Empty;

    public static string Breakdown(string? value, string field) =>
        value is { Length: > MaxBreakdownLength }
            ? throw new InvalidFieldException(field, $"is {value.Length} characters; the most is {MaxBreakdownLength}")
            : value?.Trim() ?? string.Empty;

    /// <summary>A month of the calendar the service keeps, or why not.</summary>
    public static bool TryMonth(int year, int month, out YearMonth result, out string why)
    {
        result = default;
        if (year is < YearMonth.MinYear or > YearMonth.MaxYear)
        {
            why = $"year {year} is out of range ({YearMonth.MinYear} to {YearMonth.MaxYear})";
            return false;
        }

        if (month is < 1 or > 12)
        {
            why = $"month {month} is not a month of the year (1 to 12)";
            return false;
        }

        why = string.Empty;
        result = new YearMonth(year, month);
        return true;
    }

    /// <summary>An inclusive range of months, not reversed, no longer than the most a request may span.</summary>
    public static (YearMonth First, YearMonth Last) Range(YearMonth first, YearMonth last, string field, int mostMonths, string limitKey)
    {
        if (last < first)
        {
            throw new InvalidFieldException(field, $"is reversed: last ({last}) is before first ({first})");
        }

        var months = first.MonthsUntil(last) + 1;
        return months > mostMonths
            ? throw new InvalidFieldException(field, $"spans {months} months; the most per request is {mostMonths} ({limitKey})")
            : (first, last);
    }
}
