using Google.Protobuf.WellKnownTypes;
using Metrics.Domain.Calendar;
using Metrics.Domain.Observations;
using Metrics.Domain.StreetCrime;
using Metrics.Server.Imports;
using Metrics.Storage.Repositories;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Measures;

/// <summary>Between the domain and metrics.v1.MeasuresService's own messages (measures.proto, imports.proto).</summary>
internal static class MeasuresMapping
{
    public static V1.ImportBatch ToContract(this ImportBatch b)
    {
        var batch = new V1.ImportBatch
        {
            ImportId = b.Id,
            Kind = b.Kind,
            Source = b.Source,
            ForceCode = b.ForceCode,
            StartedAt = Timestamp.FromDateTimeOffset(b.StartedAt),
            RowsRead = b.RowsRead,
            RowsRejected = b.RowsRejected,
            ObservationsWritten = b.ObservationsWritten,
        };
        if (b.FinishedAt is { } finished)
        {
            batch.FinishedAt = Timestamp.FromDateTimeOffset(finished);
        }

        return batch;
    }

    public static ImportHeader ToDomain(this V1.ObservationImportHeader header) => new(header.ForceCode, header.Source, header.AddTotals);

    public static ImportHeader ToDomain(this V1.StreetCrimeImportHeader header) => new(header.ForceCode, header.Source);

    /// <summary>A row as sent; a month that is no month makes it a line the import refuses, not a failed call.</summary>
    public static ImportLine<FigureRow> ToDomain(this V1.ObservationRow row) =>
        ContractValues.TryMonth(row.Month, out var month, out var why)
            ? new(row.LineNumber, new FigureRow(
                row.MeasureId,
                row.Area,
                month,
                row.Months,
                [.. row.BreakdownPath],
                row.HasValue ? row.Value : null,
                row.HasNumerator ? row.Numerator : null,
                row.HasDenominator ? row.Denominator : null), null)
            : new(row.LineNumber, null, $"month {why}");

    public static ImportLine<StreetCrimeRecord> ToDomain(this V1.StreetCrimeRecord record) =>
        ContractValues.TryMonth(record.Month, out var month, out var why)
            ? new(record.LineNumber, new StreetCrimeRecord(
                record.LineNumber, record.CrimeId, month, record.FallsWithin, record.LsoaCode, record.LsoaName, record.CrimeType, record.LastOutcomeCategory), null)
            : new(record.LineNumber, null, $"month {why}");

    public static V1.ImportSummary ToContract(this ImportResult result)
    {
        var batch = result.Batch;
        var summary = new V1.ImportSummary
        {
            ImportId = batch.Id,
            Source = batch.Source,
            StartedAt = Timestamp.FromDateTimeOffset(batch.StartedAt),
            FinishedAt = Timestamp.FromDateTimeOffset(batch.FinishedAt ?? batch.StartedAt),
            RowsRead = batch.RowsRead,
            RowsRejected = batch.RowsRejected,
            ObservationsWritten = batch.ObservationsWritten,
        };
        summary.Months.Add(result.Months.Select(m => m.ToContract()));
        summary.Problems.Add(result.Problems.Select(p => new V1.RowProblem { LineNumber = p.LineNumber, Reason = p.Reason }));
        return summary;
    }

    public static V1.StreetCrimeImportSummary ToContract(this StreetCrimeImportResult result) => new()
    {
        Import = result.Import.ToContract(),
        Crimes = result.Crimes,
        AntiSocialBehaviourIncidents = result.AntiSocialBehaviourIncidents,
        UnplacedNoLocation = result.UnplacedNoLocation,
        UnplacedOutsideAreas = result.UnplacedOutsideAreas,
        OtherForce = result.OtherForce,
    };
}
