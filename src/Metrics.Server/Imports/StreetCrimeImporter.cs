using Metrics.Domain.Calendar;
using Metrics.Domain.StreetCrime;
using Metrics.Server.Grpc;
using Metrics.Server.History;
using Metrics.Storage.Repositories;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Imports;

/// <summary>
/// Counts police.uk street-level records into monthly measures and stores them in one
/// transaction, replacing the months they cover for the force and every area.
/// </summary>
internal sealed class StreetCrimeImporter(CatalogueLookup lookup, ImportRepository imports, TimeProvider clock)
{
    public const string Kind = "street_crimes";

    public async Task<V1.StreetCrimeImportSummary> ImportAsync(
        V1.StreetCrimeImportHeader header, IAsyncEnumerable<V1.StreetCrimeRecord> records, CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        var force = await lookup.ForceAsync(Validate.Key(header.ForceCode, "header.force_code"), cancellationToken);
        var source = Validate.Text(header.Source, "header.source", Storage.StoredText.SourceLength);
        var catalogue = (await lookup.MeasuresAsync(cancellationToken)).Select(m => m.Id).ToHashSet();
        var missing = StreetCrimeTally.MeasureIds.FirstOrDefault(id => !catalogue.Contains(id));
        if (missing is not null)
        {
            throw Problems.NotFound("measure", missing);
        }

        var tally = new StreetCrimeTally(force);
        var problems = new ImportProblems();
        long read = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            read++;
            var line = record.LineNumber > 0 ? record.LineNumber : read;
            if (!Validate.TryMonth(record.Month, out var month, out var why))
            {
                problems.Add(line, $"month {why}");
                continue;
            }

            var reason = tally.Add(new StreetCrimeRecord(
                line, record.CrimeId, month, record.FallsWithin, record.LsoaCode, record.LsoaName, record.CrimeType, record.LastOutcomeCategory));
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
        return new V1.StreetCrimeImportSummary
        {
            Import = ObservationImporter.Summarise(batch, tally.Months, problems),
            Crimes = tally.Crimes,
            AntiSocialBehaviourIncidents = tally.AntiSocialBehaviourIncidents,
            UnplacedNoLocation = tally.UnplacedNoLocation,
            UnplacedOutsideAreas = tally.UnplacedOutsideAreas,
            OtherForce = tally.OtherForce,
        };
    }
}
