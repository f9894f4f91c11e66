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

    /// <summary>The force the area belongs to: itself for a force.</summary>
    public string ForceCode => Kind == AreaKind.Force ? Code : ParentCode ?? Code;
}
