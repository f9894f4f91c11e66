using Metrics.Domain.Catalogue;
using Metrics.Domain.Requests;
using Metrics.Server.Grpc;
using Metrics.Storage.Repositories;

namespace Metrics.Server.History;

/// <summary>Finds measures, areas and forces a request names, or fails with NOT_FOUND naming them.</summary>
internal sealed class CatalogueLookup(CatalogueRepository catalogue)
{
    public Task<IReadOnlyList<MeasureDefinition>> MeasuresAsync(CancellationToken cancellationToken) =>
        catalogue.GetMeasuresAsync(cancellationToken);

    public Task<IReadOnlyList<AreaDefinition>> AreasAsync(CancellationToken cancellationToken) =>
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
        return new ForceAreas(force, areas.Where(a => a.ParentCode == force.Code));
    }
}
