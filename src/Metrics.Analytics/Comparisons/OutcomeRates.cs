using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;

namespace Metrics.Analytics.Comparisons;

/// <summary>An outcome group's share of the offences recorded in a window.</summary>
public sealed record OutcomeGroupRate(string Group, double Outcomed, double? Rate);

/// <summary>
/// A rolling three-month window: outcomes assigned in it to offences recorded in it, in total
/// and by outcome group (action taken, no action taken, ...). <see cref="Stored"/> is false when
/// nothing was stored for it.
/// </summary>
public sealed record OutcomeWindow(
    Period Period, string Label, bool Stored, double? TotalOutcomed, double? TotalRecorded, double? Rate, IReadOnlyList<OutcomeGroupRate> Groups);

/// <summary>The report's rolling three-month outcome rates, from the windows' stored figures.</summary>
public static class OutcomeRates
{
    public const int WindowMonths = 3;

    /// <summary>The start of the first and of the last of <paramref name="windows"/> windows, the last ending with <paramref name="month"/>.</summary>
    public static (YearMonth FirstStart, YearMonth LastStart) Starts(YearMonth month, int windows)
    {
        var lastStart = month.AddMonths(1 - WindowMonths);
        return (lastStart.AddMonths(1 - windows), lastStart);
    }

    /// <summary>Each window from the first start to the last, oldest first, from the figures stored for three-month periods.</summary>
    public static IReadOnlyList<OutcomeWindow> Windows(YearMonth month, int windows, IEnumerable<Observation> stored)
    {
        var (firstStart, lastStart) = Starts(month, windows);
        var byStart = stored.Where(o => o.Period.Months == WindowMonths).ToLookup(o => o.Period.First);
        var result = new List<OutcomeWindow>();
        for (var start = firstStart; start <= lastStart; start = start.AddMonths(1))
        {
            result.Add(Window(new Period(start, WindowMonths), [.. byStart[start]]));
        }

        return result;
    }

    private static OutcomeWindow Window(Period period, IReadOnlyList<Observation> figures)
    {
        double? outcomed = null, recorded = null, rate = null;
        var groups = new List<OutcomeGroupRate>();
        foreach (var figure in figures)
        {
            var share = Figures.Resolve(MeasureUnit.Percent, figure.Value, figure.Numerator, figure.Denominator);
            if (figure.Breakdown == Breakdowns.Total)
            {
                (outcomed, recorded, rate) = (figure.Numerator, figure.Denominator, share);
                continue;
            }

            groups.Add(new OutcomeGroupRate(figure.Breakdown, figure.Numerator ?? 0, share));
        }

        return new OutcomeWindow(period, $"{ShortLabel(period.First)} - {ShortLabel(period.Last)}", figures.Count > 0, outcomed, recorded, rate, groups);
    }

    private static string ShortLabel(YearMonth month) =>
        $"{System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(month.Month)} {month.Year % 100:D2}";
}
