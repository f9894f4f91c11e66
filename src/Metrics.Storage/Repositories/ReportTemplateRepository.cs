using Dapper;
using Metrics.Domain.Catalogue;
using Metrics.Storage.Engines;

namespace Metrics.Storage.Repositories;

/// <summary>The forces' report templates as they are (a definition is a batch: ImportRepository.ReplaceTemplateAsync).</summary>
public sealed class ReportTemplateRepository(Database database)
{
    public const string SelectTopics = """
        SELECT section AS Section, topic AS Topic, measure_id AS MeasureId, breakdown AS Breakdown, noun AS Noun, reporting_rule AS ReportingRule
        FROM report_topic
        WHERE force_code = @ForceCode
        ORDER BY position;
        """;

    /// <summary>The force's own template; null when it has defined none.</summary>
    public async Task<ReportTemplate?> GetAsync(string forceCode, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<TopicRow>(new CommandDefinition(
            SelectTopics, new { ForceCode = forceCode }, commandTimeout: database.CommandTimeoutSeconds, cancellationToken: cancellationToken))).ToList();
        return rows.Count == 0 ? null : new ReportTemplate(forceCode, [.. rows.Select(r => r.ToDefinition())]);
    }

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
