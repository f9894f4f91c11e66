using System.Net;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>The month's report as one HTML file, opened in a real browser.</summary>
public sealed class ReportExportTests(MetLoadedServer met) : IClassFixture<MetLoadedServer>
{
    private static readonly YearMonth December2016 = new() { Year = 2016, Month = 12 };

    [Fact]
    public async Task TheReportOpensInChromiumWithItsChartsAndNoErrors()
    {
        var report = await met.Analytics().GetReportAsync(new GetReportRequest { ForceCode = MetLoadedServer.Force, Month = December2016 });
        var folder = RepositoryFolders.Artifacts("report");
        var file = Path.Combine(folder, report.FileName);
        await File.WriteAllTextAsync(file, report.Html);

        var page = await HeadlessChromium.RenderAsync(new Uri(file).AbsoluteUri, Path.Combine(folder, "report-metropolitan-police-2016-12.png"));

        Assert.Equal("performance-summary-metropolitan-police-2016-12.html", report.FileName);
        Assert.Empty(page.Errors);
        Assert.Empty(page.ExternalRequests);
        Assert.Equal("Performance Summary – Metropolitan Police – December 2016", page.Title);
        var summary = await met.Analytics().GetPerformanceSummaryAsync(new GetPerformanceSummaryRequest { ForceCode = MetLoadedServer.Force, Month = December2016 });
        Assert.Equal(summary.Sections.Sum(s => s.Rows.Count), page.SummaryRows);

        // Nine years of history: a chart for every topic with data (the total and its nine categories), limits and projection on each.
        Assert.Equal(summary.Sections.SelectMany(s => s.Rows).Count(r => r.HasValue), page.Charts.Count);
        Assert.Equal(10, page.Charts.Count);
        Assert.All(page.Charts, c => Assert.True(c.Points == 36 && c.HasLimits && c.HasProjection, $"{c.Measure}: {c.Points} points"));
        var crime = page.Charts[0];
        Assert.True(crime.Width > 500 && crime.Height > 150, $"drawn at {crime.Width} x {crime.Height}");
        Assert.True(new FileInfo(Path.Combine(folder, "report-metropolitan-police-2016-12.png")).Length > 10_000, "a screenshot is kept");
    }

    [Fact]
    public async Task TheReportHoldsTheCommentaryAndProjectionNoteAndNothingExternal()
    {
        var report = await met.Analytics().GetReportAsync(new GetReportRequest { ForceCode = MetLoadedServer.Force, Month = December2016 });
        var crime = (await met.Analytics().GetMeasureSummaryAsync(new GetMeasureSummaryRequest
        {
            MeasureId = "total_recorded_crime",
            AreaCode = MetLoadedServer.Force,
            Month = December2016,
        })).Commentary.Narrative;

        Assert.Contains(WebUtility.HtmlEncode(crime), report.Html, StringComparison.Ordinal);
        Assert.Contains("Projection Jan 2017 to Jun 2017 by Holt-Winters (damped trend).", report.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", report.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("West Mercia", report.Html, StringComparison.Ordinal); // the Met's report, in the Met's template's words
        var (links, pages) = ReportTopicPagesTests.Anchors(report.Html);
        Assert.Equal(10, links.Count); // the total and its nine categories (m-total_recorded_crime-burglary, ...)
        Assert.Equal(links, pages);
        Assert.DoesNotContain("<link", report.Html.Replace("<link rel=\"icon\" href=\"data:,\">", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase); // an empty icon, so a browser asks for none
        Assert.DoesNotContain(" src=", report.Html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheReportIsAPageOnTheWebPortToo()
    {
        using var http = met.Server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", met.Server.Token([Security.ForceRoles.Viewer]));

        var page = await http.GetAsync(new Uri("/reports/metropolitan-police/2016-12.html", UriKind.Relative));
        var missing = await http.GetAsync(new Uri("/reports/atlantis/2016-12.html", UriKind.Relative));
        var badMonth = await http.GetAsync(new Uri("/reports/metropolitan-police/december.html", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.True(page.Headers.CacheControl!.NoStore, "a page whose address may hold a token is never cached");
        Assert.Equal(["no-referrer"], page.Headers.GetValues("Referrer-Policy"));
        Assert.True(missing.Headers.CacheControl!.NoStore);
        Assert.Contains("<svg class=\"chart\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("force 'atlantis' does not exist", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badMonth.StatusCode);
    }
}
