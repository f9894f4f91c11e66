using Metrics.Analytics.Summary;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;
using Metrics.Domain.Requests;
using Metrics.Server.History;
using Metrics.Server.Requests;
using Metrics.Storage;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Analytics;

/// <summary>
/// Each force's report as data: its sections under its own headings, its topics in order, the
/// measure (and breakdown) heading each, and the noun its commentary uses. A force that has
/// defined none gets a plain report made from its measures, in the catalogue's neutral
/// categories, never another force's headings.
/// </summary>
internal sealed class ReportTemplates(ReportTemplateRepository repository, ImportRepository imports, CatalogueLookup lookup, TimeProvider clock)
{
    /// <summary>The force's own template, or the plain one made from its measures.</summary>
    public async Task<ReportTemplate> ForForceAsync(string forceCode, IReadOnlyList<MeasureDefinition> catalogue, CancellationToken cancellationToken) =>
        await repository.GetAsync(forceCode, cancellationToken) ?? Plain(forceCode, catalogue);

    public async Task<bool> HasOwnAsync(string forceCode, CancellationToken cancellationToken) =>
        await repository.GetAsync(forceCode, cancellationToken) is not null;

    /// <summary>A topic per catalogue topic, headed by its first measure that is not part of another of the topic's, under the catalogue's category.</summary>
    public static ReportTemplate Plain(string forceCode, IReadOnlyList<MeasureDefinition> catalogue) =>
        new(forceCode, [.. PerformanceSummary.Topics(catalogue).Select(t => new ReportTopicDefinition(t.Section, t.Topic, t.Headline.Id, "", "", null))])
        {
            Generated = true,
        };

    /// <summary>
    /// Checks a template whole (every measure one the force uses, every topic named once in its
    /// section) and, unless a dry run, makes it the force's as a batch that keeps the one before
    /// (UndoImport puts it back).
    /// </summary>
    public async Task<(ReportTemplate Template, ImportBatch? Batch)> DefineAsync(
        string forceCode, IReadOnlyList<ReportTopicDefinition> topics, string subject, bool dryRun, CancellationToken cancellationToken)
    {
        var force = (await lookup.ForceAsync(Validate.Key(forceCode, "force_code"), cancellationToken)).Force;
        if (topics.Count == 0)
        {
            throw InvalidFieldException.Required("topics");
        }

        var measures = (await lookup.MeasuresForAsync(force.Code, cancellationToken)).ToDictionary(m => m.Id, StringComparer.Ordinal);
        var checkedTopics = new List<ReportTopicDefinition>();
        for (var i = 0; i < topics.Count; i++)
        {
            var field = $"topics[{i}]";
            var topic = topics[i];
            var measureId = Validate.Key(topic.MeasureId, $"{field}.measure_id");
            if (!measures.ContainsKey(measureId))
            {
                throw new InvalidFieldException($"{field}.measure_id", $"measure '{Quoted.Text(measureId)}' is not one {force.Name} uses (define it first, or check the spelling)");
            }

            var checkedTopic = new ReportTopicDefinition(
                Validate.Key(topic.Section, $"{field}.section"),
                Validate.Key(topic.Topic, $"{field}.topic"),
                measureId,
                Breakdowns.Join(Breakdowns.Split(Validate.Breakdown(topic.Breakdown, $"{field}.breakdown"))),
                Validate.Text(topic.Noun.Trim(), $"{field}.noun", StoredText.KeyLength),
                topic.Inclusion);
            if (checkedTopics.Any(t => t.Section == checkedTopic.Section && t.Topic == checkedTopic.Topic))
            {
                throw new InvalidFieldException($"{field}.topic", $"'{checkedTopic.Topic}' is already a topic of section '{checkedTopic.Section}'");
            }

            checkedTopics.Add(checkedTopic);
        }

        var template = new ReportTemplate(force.Code, checkedTopics);
        if (dryRun)
        {
            return (template, null);
        }

        var batch = new BatchDescription(ImportRepository.TemplateKind, $"report template of {force.Code}", force.Code, subject, clock.GetUtcNow());
        return (template, await imports.ReplaceTemplateAsync(template, batch, clock, cancellationToken));
    }
}
