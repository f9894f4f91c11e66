using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;

namespace Metrics.Domain.Observations;

/// <summary>
/// Completes counts given only at the most detailed level: every breakdown level above a row
/// and the measure's total, and each parent area as the sum of its areas. A parent is the sum
/// of all its areas, not only those imported: an import of one borough's corrected rows takes
/// the other boroughs' figures as stored (<see cref="StoredCellsNeeded"/>), so the force total
/// moves by the correction and keeps every breakdown.
/// </summary>
public static class ObservationTotals
{
    /// <summary>
    /// The stored cells the totals need: for each parent of an imported area, its other areas
    /// that the import has no figures for (same measure and period).
    /// </summary>
    public static IReadOnlyList<(string MeasureId, string AreaCode, Period Period)> StoredCellsNeeded(
        IEnumerable<Observation> leaves, Func<string, string?> parentOf, Func<string, IEnumerable<string>> areasOf)
    {
        var (imported, parents) = Cells(leaves, parentOf);
        return [.. parents
            .SelectMany(parent => areasOf(parent.AreaCode).Select(area => (parent.MeasureId, AreaCode: area, parent.Period)))
            .Where(child => !imported.Contains(child) && !parents.Contains(child))
            .Distinct()];
    }

    /// <summary>
    /// The figures with their totals: each imported area's breakdown levels and total, and each
    /// parent area's, summed from its areas: computed where imported, as stored (<paramref name="stored"/>,
    /// every breakdown) where not.
    /// </summary>
    public static IReadOnlyList<Observation> AddTotals(
        IEnumerable<Observation> leaves,
        Func<string, string?> parentOf,
        Func<string, IEnumerable<string>> areasOf,
        IReadOnlyCollection<Observation> stored)
    {
        var leafList = leaves.ToList();
        var sums = new Dictionary<(string Measure, string Area, Period Period), Dictionary<string, double>>();
        foreach (var leaf in leafList)
        {
            var levels = Levels(sums, (leaf.MeasureId, leaf.AreaCode, leaf.Period));
            foreach (var level in Breakdowns.SelfAndAncestors(Breakdowns.Split(leaf.Breakdown)))
            {
                levels[level] = levels.GetValueOrDefault(level) + (leaf.Value ?? 0);
            }
        }

        var storedByCell = stored.GroupBy(o => (o.MeasureId, o.AreaCode, o.Period)).ToDictionary(g => g.Key, g => g.ToList());
        var (_, parents) = Cells(leafList, parentOf);
        foreach (var parent in parents.OrderByDescending(cell => Depth(cell.AreaCode, parentOf)))
        {
            var levels = Levels(sums, parent);
            foreach (var area in areasOf(parent.AreaCode))
            {
                var child = (parent.MeasureId, area, parent.Period);
                var childLevels = sums.TryGetValue(child, out var summed)
                    ? summed.Select(s => (Breakdown: s.Key, s.Value))
                    : storedByCell.GetValueOrDefault(child, []).Select(o => (o.Breakdown, Value: o.Value ?? 0));
                foreach (var (breakdown, value) in childLevels)
                {
                    levels[breakdown] = levels.GetValueOrDefault(breakdown) + value;
                }
            }
        }

        return [.. sums.SelectMany(cell => cell.Value.Select(level =>
            new Observation(cell.Key.Measure, cell.Key.Area, cell.Key.Period, level.Key, level.Value, null, null)))];
    }

    /// <summary>The cells the totals fill: the imported areas' own, and each of their parents' (summed from their areas).</summary>
    private static (HashSet<(string MeasureId, string AreaCode, Period Period)> Imported, HashSet<(string MeasureId, string AreaCode, Period Period)> Parents) Cells(
        IEnumerable<Observation> leaves, Func<string, string?> parentOf)
    {
        var imported = new HashSet<(string, string, Period)>();
        var parents = new HashSet<(string, string, Period)>();
        foreach (var leaf in leaves)
        {
            if (imported.Add((leaf.MeasureId, leaf.AreaCode, leaf.Period)))
            {
                for (var area = parentOf(leaf.AreaCode); area is not null; area = parentOf(area))
                {
                    parents.Add((leaf.MeasureId, area, leaf.Period));
                }
            }
        }

        return (imported, parents);
    }

    private static int Depth(string area, Func<string, string?> parentOf)
    {
        var depth = 0;
        for (var parent = parentOf(area); parent is not null; parent = parentOf(parent))
        {
            depth++;
        }

        return depth;
    }

    private static Dictionary<string, double> Levels(Dictionary<(string, string, Period), Dictionary<string, double>> sums, (string, string, Period) cell)
    {
        if (!sums.TryGetValue(cell, out var levels))
        {
            sums[cell] = levels = new Dictionary<string, double>(StringComparer.Ordinal);
        }

        return levels;
    }
}
