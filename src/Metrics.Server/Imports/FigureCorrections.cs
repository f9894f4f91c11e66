using Metrics.Domain.Calendar;
using Metrics.Domain.Requests;
using Metrics.Server.History;
using Metrics.Server.Requests;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Imports;

/// <summary>
/// Taking figures back: undoing a batch, and deleting a measure's figures for areas and months.
/// Each is a batch of its own, so it is listed with the imports and can itself be undone.
/// </summary>
internal sealed class FigureCorrections(
    CatalogueLookup lookup, CatalogueRepository catalogue, ImportRepository imports, ObservationRepository observations, TimeProvider clock)
{
    public const string DeleteKind = "delete";

    /// <summary>The batch and what it changed, with its scope.</summary>
    public async Task<(ImportBatch Batch, IReadOnlyList<ObservationCell> Cells, Domain.Observations.FigureChanges Changes)> ShowAsync(
        long importId, CancellationToken cancellationToken)
    {
        var batch = await imports.GetAsync(ImportId(importId), cancellationToken);
        var cells = await imports.CellsAsync(batch.Id, cancellationToken);
        var changes = batch.Versioned ? await imports.ChangesAsync(batch, cancellationToken) : batch.Changes;
        return (batch, cells, changes);
    }

    public async Task<StoredChange> UndoAsync(long importId, string subject, bool dryRun, CancellationToken cancellationToken)
    {
        var target = await imports.GetAsync(ImportId(importId), cancellationToken);
        var description = new BatchDescription(ImportRepository.UndoKind, $"undo of import {target.Id} ({target.Source})", target.ForceCode, subject, clock.GetUtcNow());
        var undone = await imports.UndoAsync(target.Id, description, dryRun, clock, cancellationToken);
        catalogue.Changed(); // an undone retirement changes the lists
        return undone;
    }

    /// <summary>Retires a measure or an area: out of lists and pages, its history kept.</summary>
    public async Task<StoredChange> RetireAsync(RetiredSubject retired, string subject, bool dryRun, CancellationToken cancellationToken)
    {
        // NOT_FOUND when there is no such measure or area; a measure's retirement names no force.
        var forceCode = "";
        if (retired.Kind == "measure")
        {
            await lookup.MeasureAsync(retired.Key, cancellationToken);
        }
        else
        {
            forceCode = (await lookup.AreaAsync(retired.Key, cancellationToken)).ForceCode;
        }

        var description = new BatchDescription(ImportRepository.RetireKind, $"retire {retired}", forceCode, subject, clock.GetUtcNow());
        var stored = await imports.RetireAsync(retired, description, dryRun, clock, cancellationToken);
        catalogue.Changed();
        return stored;
    }

    /// <summary>
    /// Deletes every stored figure of the measure for the areas (none named: the force and all
    /// its areas) whose period starts in the range, every breakdown and period length.
    /// </summary>
    public async Task<StoredChange> DeleteAsync(
        string forceCode, string measureId, IReadOnlyList<string> areaCodes, Period months, string subject, bool dryRun, CancellationToken cancellationToken)
    {
        var force = await lookup.ForceAsync(Validate.Key(forceCode, "force_code"), cancellationToken);
        var measure = await lookup.MeasureAsync(Validate.Key(measureId, "measure_id"), cancellationToken);
        var areas = areaCodes.Count == 0
            ? [.. force.Areas.Select(a => a.Code).Prepend(force.Force.Code)]
            : areaCodes.Select((code, i) => force.Find(Validate.Key(code, $"area_codes[{i}]")) is { } area && (area.Code == code)
                ? area.Code
                : throw new NotFoundException(
                    RequestFailure.UnknownArea,
                    $"area '{Quoted.Text(code)}' is not an area of {force.Force.Name}",
                    new Dictionary<string, string> { ["area_code"] = code, ["force_code"] = force.Force.Code })).Distinct().ToList();
        var cells = await observations.StoredCellsAsync(measure.Id, areas, months.First, months.Last, cancellationToken);
        if (cells.Count == 0)
        {
            throw new NoFigureException(
                $"no figures of {measure.Id} are stored for {string.Join(", ", areas)} from {months.First.ToIsoString()} to {months.Last.ToIsoString()}",
                new Dictionary<string, string> { ["measure_id"] = measure.Id, ["period"] = $"{months.First.ToIsoString()}/{months.Last.ToIsoString()}" });
        }

        var description = new BatchDescription(
            DeleteKind, $"delete {measure.Id} for {string.Join(", ", areas)}, {months.First.ToIsoString()} to {months.Last.ToIsoString()}",
            force.Force.Code, subject, clock.GetUtcNow());
        return await imports.StoreAsync(description, new ReplaceScope(cells), [], versioned: true, dryRun, clock, cancellationToken);
    }

    private static long ImportId(long importId) =>
        importId > 0 ? importId : throw new InvalidFieldException("import_id", importId == 0 ? "is required" : $"{importId} is not a batch id");
}
