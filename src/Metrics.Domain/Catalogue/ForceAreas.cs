namespace Metrics.Domain.Catalogue;

/// <summary>A force with its areas, for resolving the names and districts its data uses.</summary>
public sealed class ForceAreas
{
    private readonly Dictionary<string, AreaDefinition> byCodeOrName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, AreaDefinition> byDistrict = new(StringComparer.OrdinalIgnoreCase);

    public ForceAreas(AreaDefinition force, IEnumerable<AreaDefinition> areas)
    {
        Force = force;
        Areas = [.. areas];
        foreach (var area in Areas.Prepend(force))
        {
            byCodeOrName[area.Code] = area;
            byCodeOrName.TryAdd(area.Name, area);
            foreach (var district in area.Districts)
            {
                byDistrict[district] = area;
            }
        }
    }

    public AreaDefinition Force { get; }

    /// <summary>The force's own areas (not the force itself).</summary>
    public IReadOnlyList<AreaDefinition> Areas { get; }

    /// <summary>Local policing areas, the columns of the area comparison.</summary>
    public IEnumerable<AreaDefinition> LocalPolicingAreas => Areas.Where(a => a.Kind == AreaKind.LocalPolicingArea);

    /// <summary>Finds an area by its code or its name, as the force's own files write it.</summary>
    public AreaDefinition? Find(string codeOrName) =>
        byCodeOrName.TryGetValue(codeOrName.Trim(), out var area) ? area : null;

    /// <summary>The area a local authority district belongs to, if any.</summary>
    public AreaDefinition? FindByDistrict(string district) =>
        byDistrict.TryGetValue(district.Trim(), out var area) ? area : null;
}
