using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;

namespace Metrics.Domain.Observations;

/// <summary>
/// One stored figure: a measure for an area over a period, optionally for one breakdown value.
/// Ratios keep their parts (numerator, denominator) so that sums of periods and areas are
/// ratios of sums; a figure published only as a ratio keeps just its value.
/// </summary>
public sealed record Observation(
    string MeasureId,
    string AreaCode,
    Period Period,
    string Breakdown,
    double? Value,
    double? Numerator,
    double? Denominator)
{
    /// <summary>The figure as a user reads it, in the measure's unit.</summary>
    public double? ValueAs(MeasureUnit unit) => Figures.Resolve(unit, Value, Numerator, Denominator);
}

/// <summary>How a figure is read from its stored parts.</summary>
public static class Figures
{
    public static double? Resolve(MeasureUnit unit, double? value, double? numerator, double? denominator)
    {
        if (numerator is { } n && denominator is { } d && unit != MeasureUnit.Count)
        {
            return d == 0 ? null : unit == MeasureUnit.Percent ? 100 * n / d : n / d;
        }

        return value ?? (unit == MeasureUnit.Count ? numerator : null);
    }
}

/// <summary>Breakdown values are paths, most general first, stored joined by " / ".</summary>
public static class Breakdowns
{
    public const string Separator = " / ";

    /// <summary>The measure's total: no breakdown.</summary>
    public const string Total = "";

    public static string Join(IEnumerable<string> path) =>
        string.Join(Separator, path.Select(p => p.Trim()).Where(p => p.Length > 0));

    public static IReadOnlyList<string> Split(string breakdown) =>
        breakdown.Split(Separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The path and every level above it, down to the total: a / b gives "a / b", "a", "".</summary>
    public static IEnumerable<string> SelfAndAncestors(IReadOnlyList<string> path)
    {
        for (var length = path.Count; length >= 0; length--)
        {
            yield return Join(path.Take(length));
        }
    }
}
