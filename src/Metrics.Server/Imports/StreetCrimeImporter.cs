using Metrics.Domain.Calendar;
using Metrics.Domain.Requests;
using Metrics.Domain.StreetCrime;
using Metrics.Server.History;
using Metrics.Server.Requests;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Imports;

/// <summary>
/// Counts police.uk street-level records into monthly measures and stores them in one
/// transaction, replacing the months they cover for the force and every area.
/// </summary>
internal sealed class StreetCrimeImporter(CatalogueLookup lookup, ImportRepository imports, TimeProvider clock)
{
    public const string Kind = "street_crimes";

    public async Task<StreetCrimeImportResult> ImportAsync(ImportHeader header, IAsyncEnumerable<ImportLine<StreetCrimeRecord>> lines, CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        var force = await lookup.ForceAsync(Validate.Key(header.ForceCode, "header.force_code"), cancellationToken);
        var source = Validate.Text(header.Source, "header.source", Storage.StoredText.SourceLength);
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
            var reason = record is null ? unreadable : tally.Add(record with { LineNumber = line });
            if (reason is not null)
            {
                problems.Add(line, reason);
            }
        }

        var figures = tally.Observations().ToList();
        var scope = ReplaceScope.Product(
            StreetCrimeTally.MeasureIds,
            tally.AreaCodes,
            [.. tally.Months.Select(Period.Month)]);
        var batch = await imports.StoreAsync(
            Kind, source, force.Force.Code, startedAt, read, problems.Count, scope, figures, clock, cancellationToken);
        return new StreetCrimeImportResult(
            new ImportResult(batch, [.. tally.Months], problems.First),
            tally.Crimes,
            tally.AntiSocialBehaviourIncidents,
            tally.UnplacedNoLocation,
            tally.UnplacedOutsideAreas,
            tally.OtherForce);
    }
}
