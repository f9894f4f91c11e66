namespace Metrics.Domain.Catalogue;

/// <summary>Walks the catalogue's tree of measures (each may be part of another).</summary>
public static class CatalogueWalk
{
    /// <summary>The measures under a total that have no parts of their own, in catalogue order: the year-end table's rows.</summary>
    public static IEnumerable<MeasureDefinition> LeavesUnder(this IReadOnlyList<MeasureDefinition> catalogue, MeasureDefinition total)
    {
        var byId = catalogue.ToDictionary(m => m.Id, StringComparer.Ordinal);
        var parents = catalogue.Where(m => m.PartOfMeasureId is not null).Select(m => m.PartOfMeasureId!).ToHashSet(StringComparer.Ordinal);
        bool IsUnder(MeasureDefinition m)
        {
            // A visited set, so that a catalogue with a cycle (a part of its own part) ends.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var parent = m.PartOfMeasureId; parent is not null && seen.Add(parent); parent = byId.GetValueOrDefault(parent)?.PartOfMeasureId)
            {
                if (parent == total.Id)
                {
                    return true;
                }
            }

            return false;
        }

        return catalogue.Where(m => IsUnder(m) && !parents.Contains(m.Id));
    }

    /// <summary>
    /// A chain of "part of" that comes back to where it started (a → b → a), as the ids in order
    /// with the first again at the end; null when there is none. <paramref name="partOf"/> maps
    /// each measure to the one it is part of.
    /// </summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyDictionary<string, string?> partOf)
    {
        foreach (var start in partOf.Keys.Order(StringComparer.Ordinal))
        {
            var path = new List<string> { start };
            for (var parent = partOf[start]; parent is not null && path.Count <= partOf.Count; parent = partOf.GetValueOrDefault(parent))
            {
                path.Add(parent);
                if (parent == start)
                {
                    return path;
                }
            }
        }

        return null;
    }
}
