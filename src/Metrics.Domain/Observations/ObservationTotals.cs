using Metrics.Domain.Catalogue;

namespace Metrics.Domain.Observations;

/// <summary>
/// Completes counts given only at the most detailed level: every breakdown level above a row
/// and the measure's total, and each parent area as the sum of its areas.
/// </summary>
public static class ObservationTotals
{
    public static IReadOnlyList<Observation> AddTotals(IEnumerable<Observation> leaves, Func<string, string?> parentOf)
    {
        var sums = new Dictionary<(string Measure, string Area, Calendar.Period Period, string Breakdown), double>();
        foreach (var leaf in leaves)
        {
            var path = Breakdowns.Split(leaf.Breakdown);
            for (var area = leaf.AreaCode; area is not null; area = parentOf(area))
            {
                foreach (var level in Breakdowns.SelfAndAncestors(path))
                {
                    var key = (leaf.MeasureId, area, leaf.Period, level);
                    sums[key] = sums.GetValueOrDefault(key) + (leaf.Value ?? 0);
                }
            }
        }

        return [.. sums.Select(s => new Observation(s.Key.Measure, s.Key.Area, s.Key.Period, s.Key.Breakdown, s.Value, null, null))];
    }
}
