using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;

namespace Metrics.Domain.Observations;

/// <summary>
/// Turns stored monthly figures into a series by month, quarter or financial year. Counts add
/// up; ratios are the ratio of the sums of their parts and are left unset where a part is not
/// known, never averaged. A figure published for the whole period (a year-end total) stands
/// where the months are incomplete.
/// </summary>
public static class SeriesAggregator
{
    public static IReadOnlyList<SeriesPoint> Aggregate(
        MeasureUnit unit,
        Granularity granularity,
        YearMonth first,
        YearMonth last,
        IReadOnlyList<Observation> monthly,
        IReadOnlyList<Observation> published)
    {
        var byMonth = monthly.Where(o => o.Period.Months == 1).ToDictionary(o => o.Period.First);
        var publishedByPeriod = published.GroupBy(o => o.Period).ToDictionary(g => g.Key, g => g.First());
        var points = new List<SeriesPoint>();
        foreach (var period in granularity.PeriodsCovering(first, last))
        {
            var months = period.EachMonth().Where(byMonth.ContainsKey).Select(m => byMonth[m]).ToList();
            var complete = months.Count == period.Months;
            var label = granularity.Label(period);
            if (!complete && publishedByPeriod.TryGetValue(period, out var whole))
            {
                points.Add(new SeriesPoint(period, label, whole.ValueAs(unit), whole.Numerator, whole.Denominator, months.Count, Complete: true));
                continue;
            }

            points.Add(Combine(unit, period, label, months, complete));
        }

        return points;
    }

    /// <summary>
    /// One figure over any run of months (a financial year to date, the 12 months before a
    /// month) from the figures given; as in a series, a figure published for exactly that
    /// period stands where its months are incomplete.
    /// </summary>
    public static SeriesPoint Over(MeasureUnit unit, Period period, IReadOnlyList<Observation> figures)
    {
        var months = figures.Where(o => o.Period.Months == 1 && period.Contains(o.Period.First)).ToList();
        var complete = months.Count == period.Months;
        if (!complete && period.Months > 1 && figures.FirstOrDefault(o => o.Period == period) is { } whole)
        {
            return new SeriesPoint(period, period.ToString(), whole.ValueAs(unit), whole.Numerator, whole.Denominator, months.Count, Complete: true);
        }

        return Combine(unit, period, period.ToString(), months, complete);
    }

    private static SeriesPoint Combine(MeasureUnit unit, Period period, string label, List<Observation> months, bool complete)
    {
        if (months.Count == 0)
        {
            return new SeriesPoint(period, label, null, null, null, 0, complete);
        }

        if (months.Count == 1 && period.Months == 1)
        {
            var only = months[0];
            return new SeriesPoint(period, label, only.ValueAs(unit), only.Numerator, only.Denominator, 1, complete);
        }

        if (unit == MeasureUnit.Count)
        {
            var sum = months.Sum(o => o.ValueAs(unit) ?? 0);
            return new SeriesPoint(period, label, sum, null, null, months.Count, complete);
        }

        var partsKnown = months.All(o => o.Numerator.HasValue && o.Denominator.HasValue);
        if (!partsKnown)
        {
            return new SeriesPoint(period, label, null, null, null, months.Count, complete);
        }

        var numerator = months.Sum(o => o.Numerator!.Value);
        var denominator = months.Sum(o => o.Denominator!.Value);
        return new SeriesPoint(period, label, Figures.Resolve(unit, null, numerator, denominator), numerator, denominator, months.Count, complete);
    }
}
