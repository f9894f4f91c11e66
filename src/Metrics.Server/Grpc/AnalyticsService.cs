using Grpc.Core;
using Metrics.Server.Analytics;
using Metrics.Server.Security;
using Microsoft.AspNetCore.Authorization;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc;

/// <summary>metrics.v1.AnalyticsService: thin; the queries validate, load, compute and map.</summary>
[Authorize(Policy = ForceRoles.Policies.Read)]
internal sealed class AnalyticsService(AnalyticsQueries queries) : V1.AnalyticsService.AnalyticsServiceBase
{
    public override Task<V1.GetMeasureSummaryResponse> GetMeasureSummary(V1.GetMeasureSummaryRequest request, ServerCallContext context) =>
        queries.GetMeasureSummaryAsync(request, context.CancellationToken);

    public override Task<V1.GetControlChartResponse> GetControlChart(V1.GetControlChartRequest request, ServerCallContext context) =>
        queries.GetControlChartAsync(request, context.CancellationToken);

    public override Task<V1.GetProjectionResponse> GetProjection(V1.GetProjectionRequest request, ServerCallContext context) =>
        queries.GetProjectionAsync(request, context.CancellationToken);

    public override Task<V1.GetPerformanceSummaryResponse> GetPerformanceSummary(V1.GetPerformanceSummaryRequest request, ServerCallContext context) =>
        queries.GetPerformanceSummaryAsync(request, context.CancellationToken);

    public override Task<V1.GetOutcomeRatesResponse> GetOutcomeRates(V1.GetOutcomeRatesRequest request, ServerCallContext context) =>
        queries.GetOutcomeRatesAsync(request, context.CancellationToken);

    public override Task<V1.GetReportResponse> GetReport(V1.GetReportRequest request, ServerCallContext context) =>
        queries.GetReportAsync(request, context.CancellationToken);
}
