using Grpc.Core;
using Metrics.Domain.Requests;
using Metrics.Server.History;
using Metrics.Server.Imports;
using Metrics.Server.Requests;
using Metrics.Server.Security;
using Metrics.Storage.Repositories;
using Microsoft.AspNetCore.Authorization;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Measures;

/// <summary>
/// metrics.v1.MeasuresService: each call checks its request, calls a query or command in the
/// domain's terms, and maps the result (<see cref="MeasuresMapping"/>, <see cref="CommonMapping"/>).
/// </summary>
internal sealed class MeasuresService(
    CatalogueLookup lookup,
    CatalogueDefinitions definitions,
    HistoryQueries history,
    ObservationImporter observationImporter,
    StreetCrimeImporter streetCrimeImporter,
    ImportRepository imports) : V1.MeasuresService.MeasuresServiceBase
{
    private const int DefaultImportListLimit = 50;
    private const int MostImportsListed = 1000;

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override async Task<V1.ListMeasuresResponse> ListMeasures(V1.ListMeasuresRequest request, ServerCallContext context)
    {
        var measures = await lookup.MeasuresAsync(context.CancellationToken);
        var response = new V1.ListMeasuresResponse();
        response.Measures.Add(measures
            .Where(m => string.IsNullOrEmpty(request.Section) || string.Equals(m.Section, request.Section, StringComparison.OrdinalIgnoreCase))
            .Select(m => m.ToContract()));
        return response;
    }

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override async Task<V1.ListAreasResponse> ListAreas(V1.ListAreasRequest request, ServerCallContext context)
    {
        var response = new V1.ListAreasResponse();
        if (string.IsNullOrEmpty(request.ForceCode))
        {
            response.Areas.Add((await lookup.AreasAsync(context.CancellationToken)).Select(a => a.ToContract()));
            return response;
        }

        var force = await lookup.ForceAsync(Validate.Key(request.ForceCode, "force_code"), context.CancellationToken);
        response.Areas.Add(force.Areas.Prepend(force.Force).Select(a => a.ToContract()));
        return response;
    }

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override Task<V1.GetSeriesResponse> GetSeries(V1.GetSeriesRequest request, ServerCallContext context) =>
        history.GetSeriesAsync(request, context.CancellationToken);

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override Task<V1.GetAreaComparisonResponse> GetAreaComparison(V1.GetAreaComparisonRequest request, ServerCallContext context) =>
        history.GetAreaComparisonAsync(request, context.CancellationToken);

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override Task<V1.GetYearEndComparisonResponse> GetYearEndComparison(V1.GetYearEndComparisonRequest request, ServerCallContext context) =>
        history.GetYearEndComparisonAsync(request, context.CancellationToken);

    [Authorize(Policy = ForceRoles.Policies.Administer)]
    public override async Task<V1.DefineForceResponse> DefineForce(V1.DefineForceRequest request, ServerCallContext context)
    {
        var force = (request.Force ?? throw InvalidFieldException.Required("force")).ToDomain("force");
        var areas = request.Areas.Select((a, i) => a.ToDomain($"areas[{i}]")).ToList();
        var (created, updated) = await definitions.DefineForceAsync(force, areas, context.CancellationToken);
        return new V1.DefineForceResponse { Created = created, Updated = updated };
    }

    [Authorize(Policy = ForceRoles.Policies.Administer)]
    public override async Task<V1.DefineMeasuresResponse> DefineMeasures(V1.DefineMeasuresRequest request, ServerCallContext context)
    {
        var measures = request.Measures.Select((m, i) => m.ToDomain($"measures[{i}]")).ToList();
        var (created, updated) = await definitions.DefineMeasuresAsync(measures, context.CancellationToken);
        return new V1.DefineMeasuresResponse { Created = created, Updated = updated };
    }

    [Authorize(Policy = ForceRoles.Policies.Administer)]
    public override async Task<V1.ImportObservationsResponse> ImportObservations(
        IAsyncStreamReader<V1.ImportObservationsRequest> requestStream, ServerCallContext context)
    {
        var header = await ImportStreams.ReadHeaderAsync(
            requestStream, r => r.ContentCase == V1.ImportObservationsRequest.ContentOneofCase.Header ? r.Header : null, context.CancellationToken);
        var rows = ImportStreams.ReadItemsAsync(
            requestStream, r => r.ContentCase == V1.ImportObservationsRequest.ContentOneofCase.Row ? r.Row : null, "row", context.CancellationToken);
        var result = await observationImporter.ImportAsync(header.ToDomain(), rows.Select(r => r.ToDomain()), context.CancellationToken);
        return new V1.ImportObservationsResponse { Summary = result.ToContract() };
    }

    [Authorize(Policy = ForceRoles.Policies.Administer)]
    public override async Task<V1.ImportStreetCrimesResponse> ImportStreetCrimes(
        IAsyncStreamReader<V1.ImportStreetCrimesRequest> requestStream, ServerCallContext context)
    {
        var header = await ImportStreams.ReadHeaderAsync(
            requestStream, r => r.ContentCase == V1.ImportStreetCrimesRequest.ContentOneofCase.Header ? r.Header : null, context.CancellationToken);
        var records = ImportStreams.ReadItemsAsync(
            requestStream, r => r.ContentCase == V1.ImportStreetCrimesRequest.ContentOneofCase.Record ? r.Record : null, "record", context.CancellationToken);
        var result = await streetCrimeImporter.ImportAsync(header.ToDomain(), records.Select(r => r.ToDomain()), context.CancellationToken);
        return new V1.ImportStreetCrimesResponse { Summary = result.ToContract() };
    }

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override async Task<V1.ListImportsResponse> ListImports(V1.ListImportsRequest request, ServerCallContext context)
    {
        if (request.Limit is < 0 or > MostImportsListed)
        {
            throw new InvalidFieldException("limit", $"{request.Limit} is out of range (0 to {MostImportsListed})");
        }

        var batches = await imports.ListAsync(request.Limit == 0 ? DefaultImportListLimit : request.Limit, context.CancellationToken);
        var response = new V1.ListImportsResponse();
        response.Imports.Add(batches.Select(b => b.ToContract()));
        return response;
    }
}
