using Metrics.Domain.Calendar;
using Metrics.Domain.Requests;
using Metrics.Server.Limits;
using Metrics.Server.Requests;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc;

/// <summary>Protocol values as domain values, each failing with INVALID_ARGUMENT naming the field when it cannot be one.</summary>
internal static class ContractValues
{
    public static YearMonth Month(V1.YearMonth? month, string field) =>
        month is null ? throw InvalidFieldException.Required(field) : TryMonth(month, out var m, out var why) ? m : throw new InvalidFieldException(field, why);

    public static bool TryMonth(V1.YearMonth? month, out YearMonth result, out string why)
    {
        if (month is null)
        {
            result = default;
            why = "month is required";
            return false;
        }

        return Validate.TryMonth(month.Year, month.Month, out result, out why);
    }

    /// <summary>An inclusive range of months, no longer than the limit; null when the request leaves it unset.</summary>
    public static (YearMonth First, YearMonth Last)? Range(V1.MonthRange? range, string field, LimitOptions limits) =>
        range is null
            ? null
            : Validate.Range(
                Month(range.First, $"{field}.first"),
                Month(range.Last, $"{field}.last"),
                field,
                limits.MaxMonthsPerRequest,
                limits.Key(nameof(LimitOptions.MaxMonthsPerRequest)));
}
