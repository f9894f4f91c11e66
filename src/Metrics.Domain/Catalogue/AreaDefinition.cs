namespace Metrics.Domain.Catalogue;

/// <summary>The kind of an area.</summary>
public enum AreaKind
{
    Force = 1,
    LocalPolicingArea = 2,
    PartnerArea = 3,
}

/// <summary>A force, one of its local policing areas (LPAs), or a partner area.</summary>
public sealed record AreaDefinition(
    string Code,
    string Name,
    AreaKind Kind,
    string? ParentCode,
    long? Population,
    long? Households,
    string PopulationVintage,
    IReadOnlyList<string> Peers,
    IReadOnlyList<string> Districts)
{
    /// <summary>The figure a rate per 1,000 of the given base divides by, if known.</summary>
    public long? BaseFor(RateBase rateBase) => rateBase switch
    {
        RateBase.Population => Population,
        RateBase.Households => Households,
        _ => null,
    };

    /// <summary>
    /// For a force: the names police.uk files its records under ("Falls within"), such as
    /// "West Mercia Police". Empty: a record belongs when its "Falls within" begins with <see cref="Name"/>.
    /// </summary>
    public IReadOnlyList<string> FallsWithin { get; init; } = [];

    /// <summary>Retired: left out of lists and pages, its history kept and still read by its code.</summary>
    public bool Retired { get; init; }

    /// <summary>Whether a police.uk record's "Falls within" names this force.</summary>
    public bool IsFiledUnder(string fallsWithin)
    {
        var name = fallsWithin.Trim();
        return FallsWithin.Count > 0
            ? FallsWithin.Contains(name, StringComparer.OrdinalIgnoreCase)
            : name.StartsWith(Name, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The force the area belongs to: itself for a force.</summary>
    public string ForceCode => Kind == AreaKind.Force ? Code : ParentCode ?? Code;
}
