namespace Metrics.Domain.Catalogue;

/// <summary>What a measure's value is.</summary>
public enum MeasureUnit
{
    Count = 1,
    Percent = 2,
    /// <summary>A percentage as published (a survey's result), its parts not known.</summary>
    PublishedPercent = 3,
    Duration = 4,
}

/// <summary>Which direction is an improvement (the report's "Signs of improvement").</summary>
public enum Polarity
{
    UpIsGood = 1,
    DownIsGood = 2,
    Neither = 3,
}

/// <summary>How the monthly report includes a measure.</summary>
public enum ReportingRule
{
    MonthAndQuarter = 1,
    QuarterUnlessExceptional = 2,
    Quarter = 3,
    Monthly = 4,
}

/// <summary>The base of a rate per 1,000.</summary>
public enum RateBase
{
    None = 1,
    Population = 2,
    Households = 3,
}

/// <summary>A monthly performance measure in the catalogue.</summary>
public sealed record MeasureDefinition(
    string Id,
    string Name,
    string Section,
    string Topic,
    MeasureUnit Unit,
    Polarity Polarity,
    ReportingRule ReportingRule,
    string BreakdownKind,
    RateBase RateBase,
    string? PartOfMeasureId,
    string Description)
{
    /// <summary>True when months and areas add up (counts); false for ratios.</summary>
    public bool IsAdditive => Unit == MeasureUnit.Count;

    /// <summary>The force whose own measure this is; null for a measure common to every force.</summary>
    public string? ForceCode { get; init; }

    /// <summary>Whether a force's pages and imports may use it: common, or the force's own.</summary>
    public bool IsFor(string forceCode) => ForceCode is null || ForceCode == forceCode;

    /// <summary>Retired: left out of lists and pages, its history kept and still read by its id.</summary>
    public bool Retired { get; init; }
}
