using Grpc.Core;
using Metrics.Domain.Observations;
using Metrics.Server.Analytics;
using Metrics.Server.Limits;
using Metrics.Server.Requests;
using Metrics.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Analytics;

/// <summary>
/// metrics.v1.AnalyticsService: each call checks its request, asks <see cref="AnalyticsQueries"/>
/// in the domain's terms, and maps the result (<see cref="AnalyticsMapping"/>).
/// </summary>
[Authorize(Policy = ForceRoles.Policies.Read)]
internal sealed class AnalyticsService(AnalyticsQueries queries, IOptions<LimitOptions> limits) : V1.AnalyticsService.AnalyticsServiceBase
{
    public override async Task<V1.GetMeasureSummaryResponse> GetMeasureSummary(V1.GetMeasureSummaryRequest request, ServerCallContext context)
    {
        var selection = Selection(request.MeasureId, request.AreaCode, request.Breakdown);
        var month = ContractValues.Month(request.Month, "month");
        var summary = await queries.GetMeasureSummaryAsync(selection, month, request.HasChartMonths ? request.ChartMonths : null, context.CancellationToken);
        return summary.ToContract();
    }

    public override async Task<V1.GetControlChartResponse> GetControlChart(V1.GetControlChartRequest request, ServerCallContext context)
    {
        var selection = Selection(request.MeasureId, request.AreaCode, request.Breakdown);
        var range = ContractValues.Range(request.Range, "range", limits.Value);
        var chart = await queries.GetControlChartAsync(selection, range, request.Options.ToDomain(), context.CancellationToken);
        return chart.ToContract();
    }

    public override async Task<V1.GetProjectionResponse> GetProjection(V1.GetProjectionRequest request, ServerCallContext context)
    {
        var selection = Selection(request.MeasureId, request.AreaCode, request.Breakdown);
        var lastMonth = request.LastMonth is null ? (Domain.Calendar.YearMonth?)null : ContractValues.Month(request.LastMonth, "last_month");
        var projection = await queries.GetProjectionAsync(selection, request.HasHorizon ? request.Horizon : null, lastMonth, context.CancellationToken);
        return projection.ToContract();
    }

    public override async Task<V1.GetPerformanceSummaryResponse> GetPerformanceSummary(V1.GetPerformanceSummaryRequest request, ServerCallContext context)
    {
        var forceCode = Validate.Key(request.ForceCode, "force_code");
        var month = ContractValues.Month(request.Month, "month");
        var page = await queries.GetPerformanceSummaryAsync(forceCode, month, request.HasChartMonths ? request.ChartMonths : null, context.CancellationToken);
        return page.ToContract();
    }

    public override async Task<V1.GetOutcomeRatesResponse> GetOutcomeRates(V1.GetOutcomeRatesRequest request, ServerCallContext context)
    {
        var areaCode = Validate.Key(request.AreaCode, "area_code");
        var month = ContractValues.Month(request.Month, "month");
        var measureId = string.IsNullOrWhiteSpace(request.MeasureId) ? null : Validate.Key(request.MeasureId, "measure_id");
        var rates = await queries.GetOutcomeRatesAsync(areaCode, month, measureId, request.HasWindows ? request.Windows : null, context.CancellationToken);
        return rates.ToContract();
    }

    public override async Task<V1.GetReportResponse> GetReport(V1.GetReportRequest request, ServerCallContext context)
    {
        var forceCode = Validate.Key(request.ForceCode, "force_code");
        var month = ContractValues.Month(request.Month, "month");
        var report = await queries.GetReportAsync(forceCode, month, request.HasChartMonths ? request.ChartMonths : null, context.CancellationToken);
        return new V1.GetReportResponse { Html = report.Html, FileName = report.FileName };
    }

    private static SeriesSelection Selection(string measureId, string areaCode, string breakdown) => new(
        Validate.Key(measureId, "measure_id"),
        Validate.Key(areaCode, "area_code"),
        Breakdowns.Join(Breakdowns.Split(Validate.Breakdown(breakdown, "breakdown"))));
}
