using Metrics.Domain.Calendar;
using Metrics.Domain.Requests;
using Metrics.Server.Requests;

namespace Metrics.Server.Analytics;

/// <summary>
/// The month's report as a plain web page (GET /reports/west-mercia/2019-03.html), so an
/// analyst can open or link it in a browser; the same document GetReport returns.
/// </summary>
internal static class ReportEndpoint
{
    public const string Route = "/reports/{force}/{month}.html";

    public static RouteHandlerBuilder MapReports(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Route, async (string force, string month, AnalyticsQueries queries, HttpResponse response, CancellationToken cancellationToken) =>
        {
            // The page's address may carry the viewer's token (?access_token=): never cached, never sent on as a referrer.
            response.Headers.CacheControl = "no-store";
            response.Headers["Referrer-Policy"] = "no-referrer";
            if (!YearMonth.TryParse(month, out var parsed))
            {
                return Results.Problem($"month '{month}' is not a month: write it 2019-03", statusCode: StatusCodes.Status400BadRequest);
            }

            try
            {
                var report = await queries.GetReportAsync(Validate.Key(force, "force"), parsed, null, cancellationToken);
                return Results.Content(report.Html, "text/html; charset=utf-8");
            }
            catch (RequestException e)
            {
                return Results.Problem(e.Message, statusCode: e is NotFoundException ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest);
            }
        });
}
