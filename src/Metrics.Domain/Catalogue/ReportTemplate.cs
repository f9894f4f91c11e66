namespace Metrics.Domain.Catalogue;

/// <summary>
/// A topic of a force's monthly report: the section it is printed under (the force's own
/// heading), its name, the measure (and breakdown) that heads it, what one of the measure's
/// units is called in its commentary ("offences", "incidents", "calls", "people"), and when it
/// is included (the measure's own rule unless the template says otherwise).
/// </summary>
public sealed record ReportTopicDefinition(string Section, string Topic, string MeasureId, string Breakdown, string Noun, ReportingRule? Inclusion);

/// <summary>A force's report as data: its topics in the order printed. Generated when the force has none of its own.</summary>
public sealed record ReportTemplate(string ForceCode, IReadOnlyList<ReportTopicDefinition> Topics)
{
    /// <summary>Made from the catalogue for a force that has defined no template: a plain report, in no one else's words.</summary>
    public bool Generated { get; init; }
}
