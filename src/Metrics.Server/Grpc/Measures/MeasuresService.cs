using System.Runtime.CompilerServices;
using Grpc.Core;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;
using Metrics.Domain.Requests;
using Metrics.Server.History;
using Metrics.Server.Imports;
using Metrics.Server.Limits;
using Metrics.Server.Requests;
using Metrics.Server.Security;
using Metrics.Storage.Repositories;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
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
    FigureCorrections corrections,
    ImportRepository imports,
    RequestRepeats repeats,
    Server.Analytics.ReportTemplates templates,
    IOptions<LimitOptions> limits) : V1.MeasuresService.MeasuresServiceBase
{
    private const int DefaultImportListLimit = 50;

    /// <summary>A response per series object: GetSeries's warm path was building the same message again and again.</summary>
    private static readonly ConditionalWeakTable<Series, V1.GetSeriesResponse> SeriesResponses = [];
    private const int MaxImportsListed = 1000;

    /// <summary>A catalogue list's page when none is asked, and its most: a national hub's 43 forces and their areas fit one.</summary>
    private const int MaxCatalogueListed = 1000;

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override async Task<V1.ListMeasuresResponse> ListMeasures(V1.ListMeasuresRequest request, ServerCallContext context)
    {
        var pageSize = PageTokens.Size(request.PageSize, MaxCatalogueListed, MaxCatalogueListed);
        var forceCode = string.IsNullOrEmpty(request.ForceCode) ? null : (await lookup.ForceAsync(Validate.Key(request.ForceCode, "force_code"), context.CancellationToken)).Force.Code;
        var (page, next) = PageTokens.Keyed(
            await lookup.AllMeasuresAsync(context.CancellationToken),
            m => m.Id,
            m => (request.IncludeRetired || !m.Retired)
                && (forceCode is null || m.IsFor(forceCode))
                && (string.IsNullOrEmpty(request.Section) || string.Equals(m.Section, request.Section, StringComparison.OrdinalIgnoreCase)),
            pageSize,
            request.PageToken,
            "measures");
        var response = new V1.ListMeasuresResponse { NextPageToken = next };
        response.Measures.Add(page.Select(m => m.ToContract()));
        return response;
    }

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override async Task<V1.ListAreasResponse> ListAreas(V1.ListAreasRequest request, ServerCallContext context)
    {
        var pageSize = PageTokens.Size(request.PageSize, MaxCatalogueListed, MaxCatalogueListed);
        var forceCode = string.IsNullOrEmpty(request.ForceCode) ? null : (await lookup.ForceAsync(Validate.Key(request.ForceCode, "force_code"), context.CancellationToken)).Force.Code;
        var (page, next) = PageTokens.Keyed(
            await lookup.AllAreasAsync(context.CancellationToken),
            a => a.Code,
            a => (request.IncludeRetired || !a.Retired) && (forceCode is null || a.Code == forceCode || a.ParentCode == forceCode),
            pageSize,
            request.PageToken,
            "areas");
        var response = new V1.ListAreasResponse { NextPageToken = next };
        response.Areas.Add(page.Select(a => a.ToContract()));
        return response;
    }

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override async Task<V1.GetSeriesResponse> GetSeries(V1.GetSeriesRequest request, ServerCallContext context)
    {
        var measureId = Validate.Key(request.MeasureId, "measure_id");
        var areaCode = Validate.Key(request.AreaCode, "area_code");
        var breakdown = Breakdowns.Join(Breakdowns.Split(Validate.Breakdown(request.Breakdown, "breakdown")));
        var range = ContractValues.Range(request.Range, "range", limits.Value);
        if (request.Granularity is V1.Granularity.Hour or V1.Granularity.Week)
        {
            var captured = await history.GetCapturedSeriesAsync(
                measureId, areaCode, breakdown, range, request.Granularity == V1.Granularity.Week, context.CancellationToken);
            return captured.ToContract();
        }

        var series = await history.GetSeriesAsync(measureId, areaCode, breakdown, request.Granularity.ToDomain("granularity"), range, context.CancellationToken);

        // The same series (until an import or its cache time) answers with the same response,
        // serialized once: gRPC only reads a response to send it.
        return SeriesResponses.GetValue(series, s => SharedResponses.Share(s.ToContract()));
    }

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override async Task<V1.GetAreaComparisonResponse> GetAreaComparison(V1.GetAreaComparisonRequest request, ServerCallContext context)
    {
        var forceCode = Validate.Key(request.ForceCode, "force_code");
        var month = ContractValues.Month(request.Month, "month");
        var comparison = await history.GetAreaComparisonAsync(
            forceCode, month, TotalMeasureId(request.TotalMeasureId), MeasureIds(request.MeasureIds), context.CancellationToken);
        return comparison.ToContract();
    }

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override async Task<V1.GetYearEndComparisonResponse> GetYearEndComparison(V1.GetYearEndComparisonRequest request, ServerCallContext context)
    {
        var areaCode = Validate.Key(request.AreaCode, "area_code");
        if (request.FinancialYear is < YearMonth.MinYear + 1 or >= YearMonth.MaxYear)
        {
            throw request.FinancialYear == 0
                ? InvalidFieldException.Required("financial_year")
                : new InvalidFieldException("financial_year", $"{request.FinancialYear} is out of range; give the year it starts in, e.g. 2018 for 2018/19");
        }

        var table = await history.GetYearEndComparisonAsync(
            areaCode, new FinancialYear(request.FinancialYear), TotalMeasureId(request.TotalMeasureId), MeasureIds(request.MeasureIds), context.CancellationToken);
        return table.ToContract();
    }

    [Authorize(Policy = ForceRoles.Policies.Administer)]
    public override async Task<V1.DefineForceResponse> DefineForce(V1.DefineForceRequest request, ServerCallContext context)
    {
        var force = (request.Force ?? throw InvalidFieldException.Required("force")).ToDomain("force");
        var areas = request.Areas.Select((a, i) => a.ToDomain($"areas[{i}]")).ToList();
        var fields = DefinedFields.Of(request.UpdateMask?.Paths ?? [], CatalogueDefinitions.AreaFields, "update_mask");
        return await repeats.AnswerOnceAsync(request, request.RequestId, r => r.RequestId = "", record: !request.DryRun, context, async () =>
        {
            var result = await definitions.DefineForceAsync(force, areas, fields, Caller.Of(context), request.DryRun, context.CancellationToken);
            var response = new V1.DefineForceResponse
            {
                Created = result.Created,
                Updated = result.Updated,
                DryRun = result.DryRun,
                Unchanged = result.Unchanged,
            };
            response.Added.Add(result.Added);
            response.Changed.Add(result.ChangesToContract());
            response.LeftOut.Add(result.LeftOut);
            return response;
        }, V1.DefineForceResponse.Parser);
    }

    [Authorize(Policy = ForceRoles.Policies.Administer)]
    public override async Task<V1.DefineMeasuresResponse> DefineMeasures(V1.DefineMeasuresRequest request, ServerCallContext context)
    {
        var measures = request.Measures.Select((m, i) => m.ToDomain($"measures[{i}]")).ToList();
        var fields = DefinedFields.Of(request.UpdateMask?.Paths ?? [], CatalogueDefinitions.MeasureFields, "update_mask");
        return await repeats.AnswerOnceAsync(request, request.RequestId, r => r.RequestId = "", record: !request.DryRun, context, async () =>
        {
            var result = await definitions.DefineMeasuresAsync(measures, fields, request.DryRun, context.CancellationToken);
            var response = new V1.DefineMeasuresResponse
            {
                Created = result.Created,
                Updated = result.Updated,
                DryRun = result.DryRun,
                Unchanged = result.Unchanged,
            };
            response.Added.Add(result.Added);
            response.Changed.Add(result.ChangesToContract());
            return response;
        }, V1.DefineMeasuresResponse.Parser);
    }

    [Authorize(Policy = ForceRoles.Policies.Administer)]
    public override async Task<V1.DefineReportTemplateResponse> DefineReportTemplate(V1.DefineReportTemplateRequest request, ServerCallContext context)
    {
        var topics = request.Topics.Select((t, i) => t.ToDomain($"topics[{i}]")).ToList();
        return await repeats.AnswerOnceAsync(request, request.RequestId, r => r.RequestId = "", record: !request.DryRun, context, async () =>
        {
            var (template, batch) = await templates.DefineAsync(request.ForceCode, topics, Caller.Of(context), request.DryRun, context.CancellationToken);
            return new V1.DefineReportTemplateResponse { Template = template.ToContract(), DryRun = request.DryRun, Import = batch?.ToContract(true) };
        }, V1.DefineReportTemplateResponse.Parser);
    }

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override async Task<V1.GetReportTemplateResponse> GetReportTemplate(V1.GetReportTemplateRequest request, ServerCallContext context)
    {
        var force = await lookup.ForceAsync(Validate.Key(request.ForceCode, "force_code"), context.CancellationToken);
        var template = await templates.ForForceAsync(force.Force.Code, await lookup.MeasuresForAsync(force.Force.Code, context.CancellationToken), context.CancellationToken);
        return new V1.GetReportTemplateResponse { Template = template.ToContract() };
    }

    [Authorize(Policy = ForceRoles.Policies.Administer)]
    public override async Task<V1.ImportObservationsResponse> ImportObservations(
        IAsyncStreamReader<V1.ImportObservationsRequest> requestStream, ServerCallContext context)
    {
        var header = await ImportStreams.ReadHeaderAsync(
            requestStream, r => r.ContentCase == V1.ImportObservationsRequest.ContentOneofCase.Header ? r.Header : null, context.CancellationToken);
        using var digest = ImportStreams.DigestFor(header.RequestId, header, h => h.RequestId = "", context);
        var rows = ImportStreams.ReadItemsAsync(
            requestStream, r => r.ContentCase == V1.ImportObservationsRequest.ContentOneofCase.Row ? r.Row : null, "row", digest, context.CancellationToken);
        return await repeats.ImportOnceAsync<ImportResult, V1.ImportObservationsResponse>(
            header.RequestId,
            "header.request_id",
            digest,
            context,
            () => ImportStreams.ReadToEndAsync(rows),
            repeat => observationImporter.ImportAsync(header.ToDomain(Caller.Of(context)), rows.Select(r => r.ToDomain()), context.CancellationToken, repeat),
            result => new V1.ImportObservationsResponse { Summary = result.ToContract() },
            V1.ImportObservationsResponse.Parser);
    }

    [Authorize(Policy = ForceRoles.Policies.Administer)]
    public override async Task<V1.ImportStreetCrimesResponse> ImportStreetCrimes(
        IAsyncStreamReader<V1.ImportStreetCrimesRequest> requestStream, ServerCallContext context)
    {
        var header = await ImportStreams.ReadHeaderAsync(
            requestStream, r => r.ContentCase == V1.ImportStreetCrimesRequest.ContentOneofCase.Header ? r.Header : null, context.CancellationToken);
        using var digest = ImportStreams.DigestFor(header.RequestId, header, h => h.RequestId = "", context);
        var records = ImportStreams.ReadItemsAsync(
            requestStream, r => r.ContentCase == V1.ImportStreetCrimesRequest.ContentOneofCase.Record ? r.Record : null, "record", digest, context.CancellationToken);
        return await repeats.ImportOnceAsync<StreetCrimeImportResult, V1.ImportStreetCrimesResponse>(
            header.RequestId,
            "header.request_id",
            digest,
            context,
            () => ImportStreams.ReadToEndAsync(records),
            repeat => streetCrimeImporter.ImportAsync(header.ToDomain(Caller.Of(context)), records.Select(r => r.ToDomain()), context.CancellationToken, repeat),
            result => new V1.ImportStreetCrimesResponse { Summary = result.ToContract() },
            V1.ImportStreetCrimesResponse.Parser);
    }

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override async Task<V1.ListImportsResponse> ListImports(V1.ListImportsRequest request, ServerCallContext context)
    {
        // One more than the page, to know whether another follows.
        var pageSize = PageTokens.Size(request.PageSize, DefaultImportListLimit, MaxImportsListed);
        var batches = await imports.ListAsync(pageSize + 1, context.CancellationToken, before: PageTokens.Decode("imports", request.PageToken));
        var page = batches.Take(pageSize).ToList();
        var response = new V1.ListImportsResponse
        {
            NextPageToken = batches.Count > pageSize ? PageTokens.Encode("imports", page[^1].Id) : "",
        };
        var showSubject = Caller.Administers(context);
        response.Imports.Add(page.Select(b => b.ToContract(showSubject)));
        return response;
    }

    [Authorize(Policy = ForceRoles.Policies.Read)]
    public override async Task<V1.GetImportResponse> GetImport(V1.GetImportRequest request, ServerCallContext context)
    {
        var (batch, cells, changes) = await corrections.ShowAsync(request.ImportId, context.CancellationToken);
        return new V1.GetImportResponse
        {
            Import = batch.ToContract(Caller.Administers(context)),
            Scope = cells.ToContract(),
            Changes = changes.ToContract(),
        };
    }

    [Authorize(Policy = ForceRoles.Policies.Administer)]
    public override async Task<V1.UndoImportResponse> UndoImport(V1.UndoImportRequest request, ServerCallContext context)
    {
        var undone = await corrections.UndoAsync(request.ImportId, Caller.Of(context), request.DryRun, context.CancellationToken);
        return new V1.UndoImportResponse { Import = undone.Batch?.ToContract(true), Changes = undone.Changes.ToContract(), DryRun = request.DryRun };
    }

    [Authorize(Policy = ForceRoles.Policies.Administer)]
    public override async Task<V1.DeleteFiguresResponse> DeleteFigures(V1.DeleteFiguresRequest request, ServerCallContext context)
    {
        var from = ContractValues.Month(request.From, "from");
        var to = ContractValues.Month(request.To, "to");
        if (to < from)
        {
            throw new InvalidFieldException("to", $"{to.ToIsoString()} is before from ({from.ToIsoString()})");
        }

        var deleted = await corrections.DeleteAsync(
            request.ForceCode, request.MeasureId, request.AreaCodes, new Period(from, from.MonthsUntil(to) + 1), Caller.Of(context), request.DryRun, context.CancellationToken);
        return new V1.DeleteFiguresResponse { Import = deleted.Batch?.ToContract(true), Changes = deleted.Changes.ToContract(), DryRun = request.DryRun };
    }

    [Authorize(Policy = ForceRoles.Policies.Administer)]
    public override async Task<V1.RetireResponse> Retire(V1.RetireRequest request, ServerCallContext context)
    {
        var subject = request.SubjectCase switch
        {
            V1.RetireRequest.SubjectOneofCase.MeasureId => RetiredSubject.Measure(Validate.Key(request.MeasureId, "measure_id")),
            V1.RetireRequest.SubjectOneofCase.AreaCode => RetiredSubject.Area(Validate.Key(request.AreaCode, "area_code")),
            _ => throw new InvalidFieldException("subject", "give measure_id or area_code"),
        };
        var retired = await corrections.RetireAsync(subject, Caller.Of(context), request.DryRun, context.CancellationToken);
        return new V1.RetireResponse { Import = retired.Batch?.ToContract(true), DryRun = request.DryRun };
    }

    private static string? TotalMeasureId(string requested) =>
        string.IsNullOrWhiteSpace(requested) ? null : Validate.Key(requested, "total_measure_id");

    private static List<string> MeasureIds(IReadOnlyList<string> requested) =>
        [.. requested.Select((id, i) => Validate.Key(id, $"measure_ids[{i}]"))];
}
