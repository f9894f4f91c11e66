using Metrics.Domain.Catalogue;
using Metrics.Domain.Requests;
using Metrics.Server.Grpc;
using Metrics.Storage.Repositories;

namespace Metrics.Server.History;

/// <summary>Finds measures, areas and forces a request names, or fails with NOT_FOUND naming them.</summary>
internal sealed class CatalogueLookup(CatalogueRepository catalogue)
{
    /// <summary>The measures in force: retired ones are left out of lists, pages and imports.</summary>
    public async Task<IReadOnlyList<MeasureDefinition>> MeasuresAsync(CancellationToken cancellationToken) =>
        [.. (await catalogue.GetMeasuresAsync(cancellationToken)).Where(m => !m.Retired)];

    /// <summary>The areas in force: retired ones are left out of lists, pages and imports.</summary>
    public async Task<IReadOnlyList<AreaDefinition>> AreasAsync(CancellationToken cancellationToken) =>
        [.. (await catalogue.GetAreasAsync(cancellationToken)).Where(a => !a.Retired)];

    /// <summary>The measures in force that a force's pages and imports use: the common ones and its own.</summary>
    public async Task<IReadOnlyList<MeasureDefinition>> MeasuresForAsync(string forceCode, CancellationToken cancellationToken) =>
        [.. (await MeasuresAsync(cancellationToken)).Where(m => m.IsFor(forceCode))];

    /// <summary>Every measure, retired ones too (marked).</summary>
    public Task<IReadOnlyList<MeasureDefinition>> AllMeasuresAsync(CancellationToken cancellationToken) =>
        catalogue.GetMeasuresAsync(cancellationToken);

    /// <summary>Every area, retired ones too (marked).</summary>
    public Task<IReadOnlyList<AreaDefinition>> AllAreasAsync(CancellationToken cancellationToken) =>
        catalogue.GetAreasAsync(cancellationToken);

    public async Task<MeasureDefinition> MeasureAsync(string id, CancellationToken cancellationToken) =>
        (await catalogue.GetMeasuresAsync(cancellationToken)).FirstOrDefault(m => m.Id == id)
        ?? throw new NotFoundException("measure", id);

    public async Task<AreaDefinition> AreaAsync(string code, CancellationToken cancellationToken) =>
        (await catalogue.GetAreasAsync(cancellationToken)).FirstOrDefault(a => a.Code == code)
        ?? throw new NotFoundException("area", code);

    /// <summary>A force and its areas.</summary>
    public async Task<ForceAreas> ForceAsync(string code, CancellationToken cancellationToken)
    {
        var areas = await catalogue.GetAreasAsync(cancellationToken);
        var force = areas.FirstOrDefault(a => a.Code == code && a.Kind == AreaKind.Force)
            ?? throw new NotFoundException("force", code);
        return new ForceAreas(force, areas.Where(a => a.ParentCode == force.Code && !a.Retired));
    }
}
