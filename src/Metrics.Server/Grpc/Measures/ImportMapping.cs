using Google.Protobuf.WellKnownTypes;
using Metrics.Domain.Observations;
using Metrics.Domain.StreetCrime;
using Metrics.Server.Imports;
using Metrics.Storage.Repositories;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Measures;

/// <summary>Between the import and batch messages of imports.proto and the importers' and store's own types.</summary>
internal static class ImportMapping
{
    /// <summary>What made a batch, from the kind the store keeps.</summary>
    public static V1.ImportKind KindOf(string kind) => kind switch
    {
        ObservationImporter.Kind => V1.ImportKind.Observations,
        StreetCrimeImporter.Kind => V1.ImportKind.StreetCrimes,
        Server.Live.LiveHistoryCapture.RollupKind => V1.ImportKind.LiveRollup,
        ImportRepository.UndoKind => V1.ImportKind.Undo,
        FigureCorrections.DeleteKind => V1.ImportKind.Delete,
        ImportRepository.RetireKind => V1.ImportKind.Retire,
        ImportRepository.TemplateKind => V1.ImportKind.ReportTemplate,
        _ => V1.ImportKind.Unspecified,
    };

    /// <summary>A batch as a caller sees it: who made it only when the caller may know (admins).</summary>
    public static V1.ImportBatch ToContract(this ImportBatch b, bool showSubject)
    {
        var batch = new V1.ImportBatch
        {
            ImportId = b.Id,
            Kind = KindOf(b.Kind),
            Source = b.Source,
            ForceCode = b.ForceCode,
            StartedAt = Timestamp.FromDateTimeOffset(b.StartedAt),
            RowsRead = b.RowsRead,
            RowsRejected = b.RowsRejected,
            ObservationsWritten = b.ObservationsWritten,
            Subject = showSubject ? b.Subject : "",
            Versioned = b.Versioned,
            Changes = b.Changes.ToContract(),
        };
        if (b.FinishedAt is { } finished)
        {
            batch.FinishedAt = Timestamp.FromDateTimeOffset(finished);
        }

        if (b.UndoesImportId is { } undoes)
        {
            batch.UndoesImportId = undoes;
        }

        if (b.UndoneByImportId is { } undoneBy)
        {
            batch.UndoneByImportId = undoneBy;
        }

        return batch;
    }

    public static V1.FigureChangeSummary ToContract(this FigureChanges changes)
    {
        var summary = new V1.FigureChangeSummary
        {
            Added = changes.Added,
            Changed = changes.Changed,
            Removed = changes.Removed,
            Unchanged = changes.Unchanged,
        };
        summary.First.Add(changes.First.Select(c => new V1.FigureChange
        {
            MeasureId = c.Key.MeasureId,
            AreaCode = c.Key.AreaCode,
            Month = c.Key.Period.First.ToContract(),
            Months = c.Key.Period.Months,
            Breakdown = c.Key.Breakdown,
            Before = c.Before?.Parts(),
            After = c.After?.Parts(),
        }));
        return summary;
    }

    public static V1.ImportScope ToContract(this IReadOnlyList<ObservationCell> cells)
    {
        var scope = new V1.ImportScope { Cells = cells.Count };
        if (cells.Count == 0)
        {
            return scope;
        }

        scope.MeasureIds.Add(cells.Select(c => c.MeasureId).Distinct().Order(StringComparer.Ordinal));
        scope.AreaCodes.Add(cells.Select(c => c.AreaCode).Distinct().Order(StringComparer.Ordinal));
        scope.FirstMonth = cells.Min(c => c.Period.First).ToContract();
        scope.LastMonth = cells.Max(c => c.Period.First).ToContract();
        return scope;
    }

    public static ImportHeader ToDomain(this V1.ObservationImportHeader header, string subject) =>
        new(header.ForceCode, header.Source, header.AddTotals) { Subject = subject, SkipInvalid = header.SkipInvalid, DryRun = header.DryRun };

    public static ImportHeader ToDomain(this V1.StreetCrimeImportHeader header, string subject) =>
        new(header.ForceCode, header.Source)
        {
            Subject = subject,
            SkipInvalid = header.SkipInvalid,
            DryRun = header.DryRun,
            Months = [.. header.Months.Select((m, i) => ContractValues.Month(m, $"header.months[{i}]"))],
        };

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
            : new(row.LineNumber, null, new RowProblem(row.LineNumber, "month", why));

    public static ImportLine<StreetCrimeRecord> ToDomain(this V1.StreetCrimeRecord record)
    {
        if (!ContractValues.TryMonth(record.Month, out var month, out var why))
        {
            return new(record.LineNumber, null, new RowProblem(record.LineNumber, "month", why));
        }

        Domain.Calendar.YearMonth? fileMonth = null;
        if (record.FileMonth is not null)
        {
            if (!ContractValues.TryMonth(record.FileMonth, out var file, out var fileWhy))
            {
                return new(record.LineNumber, null, new RowProblem(record.LineNumber, "file_month", fileWhy));
            }

            fileMonth = file;
        }

        return new(record.LineNumber, new StreetCrimeRecord(
            record.LineNumber, record.CrimeId, month, record.FallsWithin, record.LsoaCode, record.LsoaName, record.CrimeType, record.LastOutcomeCategory)
        {
            FileMonth = fileMonth,
        }, null);
    }

    public static V1.ImportSummary ToContract(this ImportResult result)
    {
        var summary = new V1.ImportSummary
        {
            ImportId = result.Batch?.Id ?? 0,
            Source = result.Source,
            StartedAt = Timestamp.FromDateTimeOffset(result.StartedAt),
            FinishedAt = Timestamp.FromDateTimeOffset(result.Batch?.FinishedAt ?? result.StartedAt),
            RowsRead = result.RowsRead,
            RowsRejected = result.RowsRejected,
            ObservationsWritten = result.Batch?.ObservationsWritten ?? 0,
            DryRun = result.Batch is null,
            Changes = result.Changes.ToContract(),
        };
        summary.Months.Add(result.Months.Select(m => m.ToContract()));
        summary.Problems.Add(result.Problems.Select(p => p.ToContract()));
        return summary;
    }

    /// <summary>"UNKNOWN_MEASURE": a line's refusal as the error's field violation gives it (RowRefusal's name without its prefix).</summary>
    public static string RefusalName(RowRefusal refusal) => ErrorDetails.NameWithoutPrefix(V1.ImportsReflection.Descriptor, "RowRefusal", (int)refusal.ToContract());

    public static V1.RowRefusal ToContract(this RowRefusal refusal) => refusal switch
    {
        RowRefusal.UnknownMeasure => V1.RowRefusal.UnknownMeasure,
        RowRefusal.UnknownArea => V1.RowRefusal.UnknownArea,
        RowRefusal.Repeated => V1.RowRefusal.Repeated,
        _ => V1.RowRefusal.Malformed,
    };

    public static V1.RowProblem ToContract(this RowProblem problem) =>
        new()
        {
            LineNumber = problem.LineNumber,
            Field = problem.Field,
            Reason = problem.Reason,
            Refusal = problem.Refusal.ToContract(),
        };

    public static V1.StreetCrimeImportSummary ToContract(this StreetCrimeImportResult result) => new()
    {
        Import = result.Import.ToContract(),
        Crimes = result.Crimes,
        AntiSocialBehaviourIncidents = result.AntiSocialBehaviourIncidents,
        UnplacedNoLocation = result.UnplacedNoLocation,
        UnplacedOutsideAreas = result.UnplacedOutsideAreas,
        OtherForce = result.OtherForce,
    };

    private static V1.FigureParts Parts(this Observation figure)
    {
        var parts = new V1.FigureParts();
        if (figure.Value is { } value)
        {
            parts.Value = value;
        }

        if (figure.Numerator is { } numerator)
        {
            parts.Numerator = numerator;
        }

        if (figure.Denominator is { } denominator)
        {
            parts.Denominator = denominator;
        }

        return parts;
    }
}
