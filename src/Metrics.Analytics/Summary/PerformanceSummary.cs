using Metrics.Analytics.Commentary;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;

namespace Metrics.Analytics.Summary;

/// <summary>A topic of the summary page, read for the month.</summary>
public sealed record SummaryRow(
    string Topic,
    MeasureDefinition Headline,
    string Inclusion,
    bool IncludedThisMonth,
    string Data,
    string Exceptions,
    string Narrative,
    string AreaMovement,
    MonthReading? Force,
    IReadOnlyList<MonthReading> Areas)
{
    /// <summary>How the topic is reported: its template's rule, else its measure's.</summary>
    public ReportingRule Rule { get; init; } = Headline.ReportingRule;

    /// <summary>The breakdown of the headline measure the topic reads ("Burglary"); empty for its total.</summary>
    public string Breakdown { get; init; } = "";

    /// <summary>What heads the topic's page: the breakdown's topic name, or the measure's name.</summary>
    public string HeadlineName => Breakdown.Length > 0 ? Topic : Headline.Name;
}

/// <summary>A section of the summary page with its topics.</summary>
public sealed record SummarySection(string Name, IReadOnlyList<SummaryRow> Rows);

/// <summary>
/// The report's first page: per section and topic, how it is reported, a sentence on the data
/// and the exceptions by area, each computed from the topic's headline measure.
/// </summary>
public static class PerformanceSummary
{
    /// <summary>
    /// Each topic with its headline: the topic's first measure in the catalogue that is not a
    /// part of another measure of the same topic (Robbery, not Business Robbery). Topics are in
    /// their headlines' order, sections in their first topic's.
    /// </summary>
    public static IReadOnlyList<(string Section, string Topic, MeasureDefinition Headline)> Topics(IReadOnlyList<MeasureDefinition> catalogue)
    {
        var position = catalogue.Select((m, i) => (m.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var topics = catalogue
            .GroupBy(m => (m.Section, m.Topic))
            .Select(g => (g.Key.Section, g.Key.Topic, Headline: g.FirstOrDefault(m => !g.Any(o => o.Id == m.PartOfMeasureId)) ?? g.First()))
            .OrderBy(t => position[t.Headline.Id])
            .ToList();
        var sectionOrder = topics.Select(t => t.Section).Distinct().ToList();
        return [.. topics.OrderBy(t => sectionOrder.IndexOf(t.Section)).ThenBy(t => position[t.Headline.Id])];
    }

    /// <summary>A measure other measures are part of: its commentary names the force ("offences were recorded across West Mercia").</summary>
    public static bool IsTotal(MeasureDefinition measure, IReadOnlyList<MeasureDefinition> catalogue) =>
        catalogue.Any(m => m.PartOfMeasureId == measure.Id);

    public static string Inclusion(ReportingRule rule) => rule switch
    {
        ReportingRule.MonthAndQuarter => "Month & quarter",
        ReportingRule.QuarterUnlessExceptional => "Quarter unless exceptional",
        ReportingRule.Quarter => "Quarter",
        _ => "Monthly",
    };

    /// <summary>Quarters end in March, June, September and December.</summary>
    public static bool IsQuarterEnd(YearMonth month) => month.Month % 3 == 0;

    public static bool IsIncluded(ReportingRule rule, YearMonth month, bool exceptional) => rule switch
    {
        ReportingRule.Quarter => IsQuarterEnd(month),
        ReportingRule.QuarterUnlessExceptional => IsQuarterEnd(month) || exceptional,
        _ => true,
    };

    /// <summary>
    /// A topic's row, read from its headline's readings. <paramref name="inclusion"/> is the
    /// template's rule for the topic, if it has one (else the measure's); <paramref name="noun"/>
    /// what its commentary calls a unit (else one made from the measure).
    /// </summary>
    public static SummaryRow Row(
        string topic,
        MeasureDefinition headline,
        YearMonth month,
        MonthReading? force,
        IReadOnlyList<MonthReading> areas,
        bool isTotal,
        ReportingRule? inclusion = null,
        string? noun = null)
    {
        var rule = inclusion ?? headline.ReportingRule;
        var exceptional = (force?.IsExceptional ?? false) || areas.Any(a => a.IsExceptional);
        return new SummaryRow(
            topic,
            headline,
            Inclusion(rule),
            IsIncluded(rule, month, exceptional),
            force is null ? $"No figure for {month}." : CommentaryWriter.DataSentence(force),
            areas.Count == 0 ? $"No figures by area for {month}" : CommentaryWriter.Exceptions(areas),
            force is null ? "" : CommentaryWriter.Narrative(force, isTotal, noun),
            CommentaryWriter.AreaMovement(areas),
            force,
            areas)
        {
            Rule = rule,
        };
    }
}
