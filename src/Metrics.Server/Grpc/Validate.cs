using Metrics.Domain.Calendar;
using Metrics.Server.Limits;
using Metrics.Storage;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc;

/// <summary>Checks of request fields at the edge, each failing with INVALID_ARGUMENT naming the field.</summary>
internal static class Validate
{
    public const int MaxKeyLength = StoredText.KeyLength;
    public const int MaxBreakdownLength = StoredText.NameLength;

    /// <summary>An id or code, as the store compares it: present, not too long, nothing blank at either end.</summary>
    public static string Key(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Problems.Required(field);
        }

        if (value.Length > MaxKeyLength)
        {
            throw Problems.Invalid(field, $"is {value.Length} characters; the most is {MaxKeyLength}");
        }

        return char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])
            ? throw Problems.Invalid(field, $"'{StoredText.Quote(value)}' begins or ends with white space; ids are compared exactly")
            : value;
    }

    /// <summary>Text that is shown, not compared: no longer than its column, trimmed.</summary>
    public static string Text(string? value, string field, int most) =>
        value is { Length: > 0 } && value.Length > most
            ? throw Problems.Invalid(field, $"is {value.Length} characters; the most is {most}")
            : value?.Trim() ?? string.Empty;

    public static string Breakdown(string? value, string field) =>
        value is { Length: > MaxBreakdownLength }
            ? throw Problems.Invalid(field, $"is {value.Length} characters; the most is {MaxBreakdownLength}")
            : value?.Trim() ?? string.Empty;

    public static YearMonth Month(V1.YearMonth? month, string field) =>
        month is null ? throw Problems.Required(field) : TryMonth(month, out var m, out var why) ? m : throw Problems.Invalid(field, why);

    public static bool TryMonth(V1.YearMonth? month, out YearMonth result, out string why)
    {
        result = default;
        if (month is null)
        {
            why = "is required";
            return false;
        }

        if (month.Year is < YearMonth.MinYear or > YearMonth.MaxYear)
        {
            why = $"year {month.Year} is out of range ({YearMonth.MinYear} to {YearMonth.MaxYear})";
            return false;
        }

        if (month.Month is < 1 or > 12)
        {
            why = $"month {month.Month} is not a month of the year (1 to 12)";
            return false;
        }

        why = string.Empty;
        result = new YearMonth(month.Year, month.Month);
        return true;
    }

    /// <summary>An inclusive range of months, no longer than the limit; null when the request leaves it unset.</summary>
    public static (YearMonth First, YearMonth Last)? Range(V1.MonthRange? range, string field, LimitOptions limits)
    {
        if (range is null)
        {
            return null;
        }

        var first = Month(range.First, $"{field}.first");
        var last = Month(range.Last, $"{field}.last");
        if (last < first)
        {
            throw Problems.Invalid(field, $"is reversed: last ({last}) is before first ({first})");
        }

        var months = first.MonthsUntil(last) + 1;
        return months > limits.MaxMonthsPerRequest
            ? throw Problems.Invalid(field, $"spans {months} months; the most per request is {limits.MaxMonthsPerRequest} ({limits.Key(nameof(LimitOptions.MaxMonthsPerRequest))})")
            : (first, last);
    }
}
