using System.Data.Common;
using Dapper;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;
using Metrics.Domain.Requests;

namespace Metrics.Storage.Repositories;

/// <summary>
/// A force's report template changes by batches too: a definition is a batch that keeps the
/// template as it was, so that an undo (itself a batch) puts it back, while no later batch has
/// changed the same force's template.
/// </summary>
public sealed partial class ImportRepository
{
    /// <summary>The kind of batch that defines a force's report template.</summary>
    public const string TemplateKind = "template";

    public const string InsertTemplateBatch = "INSERT INTO report_template_batch (import_id, force_code) VALUES (@ImportId, @ForceCode);";

    public const string SelectTemplateBatchForce = "SELECT force_code FROM report_template_batch WHERE import_id = @Id;";

    public const string SelectLaterTemplateBatch = "SELECT MAX(import_id) FROM report_template_batch WHERE force_code = @ForceCode AND import_id > @Id;";

    public const string KeepReplacedTopics = """
        INSERT INTO replaced_report_topic (import_id, position, section, topic, measure_id, breakdown, noun, reporting_rule)
        SELECT @ImportId, position, section, topic, measure_id, breakdown, noun, reporting_rule
        FROM report_topic
        WHERE force_code = @ForceCode;
        """;

    public const string DeleteTopics = "DELETE FROM report_topic WHERE force_code = @ForceCode;";

    public const string InsertTopic = """
        INSERT INTO report_topic (force_code, position, section, topic, measure_id, breakdown, noun, reporting_rule)
        VALUES (@ForceCode, @Position, @Section, @Topic, @MeasureId, @Breakdown, @Noun, @ReportingRule);
        """;

    public const string RestoreTopics = """
        INSERT INTO report_topic (force_code, position, section, topic, measure_id, breakdown, noun, reporting_rule)
        SELECT @ForceCode, position, section, topic, measure_id, breakdown, noun, reporting_rule
        FROM replaced_report_topic
        WHERE import_id = @Id;
        """;

    /// <summary>Makes <paramref name="template"/> the force's, as a batch that keeps the one before.</summary>
    public Task<ImportBatch> ReplaceTemplateAsync(ReportTemplate template, BatchDescription batch, TimeProvider clock, CancellationToken cancellationToken) =>
        database.InTransactionAsync(
            async (connection, transaction) =>
            {
                var written = await TemplateBatchAsync(connection, transaction, batch with { Kind = TemplateKind, RowsRead = template.Topics.Count }, template.ForceCode, null, clock, cancellationToken);
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
                await connection.ExecuteAsync(Command(InsertTopic, rows, cancellationToken, transaction));
                return written;
            },
            cancellationToken);

    /// <summary>Inside the undo's transaction: the template batch <paramref name="target"/> replaced comes back.</summary>
    private async Task<StoredChange> UndoTemplateAsync(
        DbConnection connection, DbTransaction transaction, ImportBatch target, string forceCode, BatchDescription batch, bool dryRun, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (await connection.ExecuteScalarAsync<long?>(Command(SelectLaterTemplateBatch, new { ForceCode = forceCode, target.Id }, cancellationToken, transaction)) is { } newer)
        {
            var blocking = await GetAsync(connection, transaction, newer, cancellationToken);
            throw new ConflictException(blocking.UndoesImportId == target.Id
                ? $"import {target.Id} was undone by import {newer}; undo {newer} to restore it"
                : $"import {newer} changed the report template of {forceCode} after import {target.Id}: undo {newer} first");
        }

        if (dryRun)
        {
            return new StoredChange(null, FigureChanges.None);
        }

        var written = await TemplateBatchAsync(connection, transaction, batch with { Kind = UndoKind }, forceCode, target.Id, clock, cancellationToken);
        await connection.ExecuteAsync(Command(RestoreTopics, new { ForceCode = forceCode, target.Id }, cancellationToken, transaction));
        return new StoredChange(written, FigureChanges.None);
    }

    /// <summary>A batch that changes the force's template: listed as one, the template before it kept, then cleared for what comes.</summary>
    private async Task<ImportBatch> TemplateBatchAsync(
        DbConnection connection, DbTransaction transaction, BatchDescription batch, string forceCode, long? undoes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var written = (await WriteAsync(connection, transaction, batch, undoes, true, Nothing, FigureChanges.None, clock, cancellationToken)).Batch!;
        await connection.ExecuteAsync(Command(InsertTemplateBatch, new { ImportId = written.Id, ForceCode = forceCode }, cancellationToken, transaction));
        await connection.ExecuteAsync(Command(KeepReplacedTopics, new { ImportId = written.Id, ForceCode = forceCode }, cancellationToken, transaction));
        await connection.ExecuteAsync(Command(DeleteTopics, new { ForceCode = forceCode }, cancellationToken, transaction));
        return written;
    }
}
