using Dapper;
using Metrics.Domain.Catalogue;
using Metrics.Storage.Engines;

namespace Metrics.Storage.Repositories;

/// <summary>The forces' report templates: a definition replaces the force's template whole, in one transaction.</summary>
public sealed class ReportTemplateRepository(Database database)
{
    public const string SelectTopics = """
        SELECT section AS Section, topic AS Topic, measure_id AS MeasureId, breakdown AS Breakdown, noun AS Noun, reporting_rule AS ReportingRule
        FROM report_topic
        WHERE force_code = @ForceCode
        ORDER BY position;
        """;

    public const string DeleteTopics = "DELETE FROM report_topic WHERE force_code = @ForceCode;";

    public const string InsertTopic = """
        INSERT INTO report_topic (force_code, position, section, topic, measure_id, breakdown, noun, reporting_rule)
        VALUES (@ForceCode, @Position, @Section, @Topic, @MeasureId, @Breakdown, @Noun, @ReportingRule);
        """;

    /// <summary>The force's own template; null when it has defined none.</summary>
    public async Task<ReportTemplate?> GetAsync(string forceCode, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<TopicRow>(new CommandDefinition(
            SelectTopics, new { ForceCode = forceCode }, commandTimeout: database.CommandTimeoutSeconds, cancellationToken: cancellationToken))).ToList();
        return rows.Count == 0 ? null : new ReportTemplate(forceCode, [.. rows.Select(r => r.ToDefinition())]);
    }

    /// <summary>Replaces the force's template with <paramref name="template"/>'s topics, all or none.</summary>
    public Task ReplaceAsync(ReportTemplate template, CancellationToken cancellationToken) =>
        database.InTransactionAsync(
            async (connection, transaction) =>
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    DeleteTopics, new { template.ForceCode }, transaction, database.CommandTimeoutSeconds, cancellationToken: cancellationToken));
                var rows = template.Topics.Select((t, i) => new
                {
                    template.ForceCode,
                    Position = i,
                    Section = StoredText.Text(t.Section, "report_topic.section", StoredText.NameLength),
                    Topic = StoredText.Text(t.Topic, "report_topic.topic", StoredText.NameLength),
                    t.MeasureId,
                    Breakdown = StoredText.Text(t.Breakdown, "report_topic.breakdown", StoredText.NameLength),
                    Noun = StoredText.Text(t.Noun, "report_topic.noun", StoredText.KeyLength),
                    ReportingRule = (int?)t.Inclusion,
                });
                await connection.ExecuteAsync(new CommandDefinition(InsertTopic, rows, transaction, database.CommandTimeoutSeconds, cancellationToken: cancellationToken));
                return template.Topics.Count;
            },
            cancellationToken);

    private sealed class TopicRow
    {
        public string Section { get; set; } = "";
        public string Topic { get; set; } = "";
        public string MeasureId { get; set; } = "";
        public string Breakdown { get; set; } = "";
        public string Noun { get; set; } = "";
        public long? ReportingRule { get; set; }

        public ReportTopicDefinition ToDefinition() => new(Section, Topic, MeasureId, Breakdown, Noun, ReportingRule is { } rule ? (ReportingRule)rule : null);
    }
}
