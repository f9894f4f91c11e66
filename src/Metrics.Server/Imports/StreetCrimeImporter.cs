using Metrics.Domain.Calendar;
using Metrics.Domain.Requests;
using Metrics.Domain.StreetCrime;
using Metrics.Server.History;
using Metrics.Server.Requests;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Imports;

/// <summary>
/// Counts police.uk street-level records into monthly measures and stores them as one undoable
/// batch. The scope is what the header declares (its months, for the force and every area),
/// never what stray records say: a record of another month, or of a month its file is not for,
/// is a refused record, and a refused record refuses the import unless the header skips them.
/// </summary>
internal sealed class StreetCrimeImporter(CatalogueLookup lookup, ImportRepository imports, TimeProvider clock)
{
    public const string Kind = "street_crimes";

    /// <summary>Counts and stores the records; <paramref name="repeat"/>, when the caller gave a request id, is recorded with the batch.</summary>
    public async Task<StreetCrimeImportResult> ImportAsync(
        ImportHeader header, IAsyncEnumerable<ImportLine<StreetCrimeRecord>> lines, CancellationToken cancellationToken, Repeatable<StreetCrimeImportResult>? repeat = null)
    {
        var startedAt = clock.GetUtcNow();
        var force = await lookup.ForceAsync(Validate.Key(header.ForceCode, "header.force_code"), cancellationToken);
        var source = Validate.Text(header.Source, "header.source", Storage.StoredText.SourceLength);
        if (header.Months.Count == 0)
        {
            throw new InvalidFieldException("header.months", "declare the months the import is for (a police.uk file is one month: 2022-02-west-mercia-street.csv is 2022-02)");
        }

        var months = header.Months.ToHashSet();
        var catalogue = (await lookup.MeasuresAsync(cancellationToken)).Select(m => m.Id).ToHashSet();
        var missing = StreetCrimeTally.MeasureIds.FirstOrDefault(id => !catalogue.Contains(id));
        if (missing is not null)
        {
            throw new NotFoundException("measure", missing);
        }

        var tally = new StreetCrimeTally(force);
        var problems = new ImportProblems();
        long read = 0;
        await foreach (var (lineNumber, record, unreadable) in lines.WithCancellation(cancellationToken))
        {
            read++;
            var line = lineNumber > 0 ? lineNumber : read;
            var problem = record is null ? unreadable! with { LineNumber = line } : Count(tally, record with { LineNumber = line }, months);
            if (problem is not null)
            {
                problems.Add(problem);
            }
        }

        problems.RefuseUnlessSkipped(header, read);
        var empty = months.Where(m => !tally.Months.Contains(m)).Order().Select(m => m.ToIsoString()).ToList();
        if (empty.Count > 0)
        {
            // Replacing a declared month with nothing would wipe it: a month is loaded from its records or not at all.
            throw new InvalidFieldException("header.months", $"no record of the import is for {string.Join(", ", empty)}, so nothing was stored");
        }

        var figures = tally.Observations().ToList();
        var scope = ReplaceScope.Product(
            StreetCrimeTally.MeasureIds,
            tally.AreaCodes,
            [.. months.Order().Select(Period.Month)]);
        StreetCrimeImportResult Result(StoredChange stored) => new(
            new ImportResult(stored.Batch, source, startedAt, read, problems.Count, figures.Count, [.. months.Order()], stored.Changes, problems.First),
            tally.Crimes,
            tally.AntiSocialBehaviourIncidents,
            tally.UnplacedNoLocation,
            tally.UnplacedOutsideAreas,
            tally.OtherForce);
        var stored = await imports.StoreAsync(
            header.Describe(Kind, startedAt, read, problems.Count, force.Force.Code, source) with { Request = repeat?.Answering(Result) },
            scope, figures, versioned: true, header.DryRun, clock, cancellationToken);
        return Result(stored);
    }

    private static RowProblem? Count(StreetCrimeTally tally, StreetCrimeRecord record, HashSet<YearMonth> months)
    {
        if (record.FileMonth is { } fileMonth && fileMonth != record.Month)
        {
            return new(record.LineNumber, "month", $"Month is {record.Month.ToIsoString()}, but its file is for {fileMonth.ToIsoString()}");
        }

        if (!months.Contains(record.Month))
        {
            return new(record.LineNumber, "month", $"Month is {record.Month.ToIsoString()}, outside the months of this import ({string.Join(", ", months.Order().Select(m => m.ToIsoString()))})");
        }

        return tally.Add(record) is { } refused ? new(record.LineNumber, refused.Field, refused.Reason) : null;
    }
}
