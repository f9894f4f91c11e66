using System.Net;
using System.Text.RegularExpressions;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// Every row of the report's summary links to a page of its own that says what there is: the
/// figure, its comparisons with how many months each rests on, the commentary, the chart or
/// why there is none, and the areas. (The links once pointed at anchors that did not exist.)
/// </summary>
public sealed partial class ReportTopicPagesTests(MetricsServerFactory server) : IClassFixture<MetricsServerFactory>
{
    private static readonly YearMonth March2019 = new() { Year = 2019, Month = 3 };

    [Fact]
    public async Task EverySummaryLinkOfTheSeededMonthLeadsToItsTopicsPage()
    {
        var analytics = new AnalyticsService.AnalyticsServiceClient(server.CreateChannel());
        var report = (await analytics.GetReportAsync(new GetReportRequest { ForceCode = "west-mercia", Month = March2019 })).Html;
        var summary = await analytics.GetPerformanceSummaryAsync(new GetPerformanceSummaryRequest { ForceCode = "west-mercia", Month = March2019 });

        var links = Link().Matches(report).Select(m => m.Groups[1].Value).ToList();
        var pages = Page().Matches(report).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(summary.Sections.Sum(s => s.Rows.Count), links.Count);
        Assert.Equal(links, pages);
        Assert.True(links.Count >= 30, $"{links.Count} topics");
    }

    [Fact]
    public async Task TheTotalsPageGivesTheFigureItsComparisonsTheAreasAndWhyThereIsNoChartYet()
    {
        var analytics = new AnalyticsService.AnalyticsServiceClient(server.CreateChannel());
        var report = (await analytics.GetReportAsync(new GetReportRequest { ForceCode = "west-mercia", Month = March2019 })).Html;
        var crime = TopicPage(report, "total_recorded_crime");

        Assert.Contains("<strong>7,767</strong> Total Recorded Crime, West Mercia, March 2019", crime, StringComparison.Ordinal);
        // February is the only earlier month stored: the 12-month average is the one the force
        // published (7,191); the financial year to date says it rests on two months of twelve.
        Assert.Contains("<td>6,377 (+21.8%)</td>", crime, StringComparison.Ordinal);
        Assert.Contains("<td>7,191 (as published)</td>", crime, StringComparison.Ordinal);
        Assert.Contains("(2 of 12 months)", crime, StringComparison.Ordinal);
        Assert.Contains("No chart yet: 2 months stored up to March 2019; the expected range is drawn from at least 6.", crime, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode("Telford & Wrekin"), crime, StringComparison.Ordinal);
        Assert.Contains("<th>Share of West Mercia</th>", crime, StringComparison.Ordinal);
        Assert.Contains("<th>Per 1,000 residents</th>", crime, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", crime, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WestMerciasReportOpensInChromiumInItsOwnWordsWithNoErrors()
    {
        var analytics = new AnalyticsService.AnalyticsServiceClient(server.CreateChannel());
        var report = await analytics.GetReportAsync(new GetReportRequest { ForceCode = "west-mercia", Month = March2019 });
        var folder = RepositoryFolders.Artifacts("report");
        var file = Path.Combine(folder, report.FileName);
        await File.WriteAllTextAsync(file, report.Html);

        var page = await HeadlessChromium.RenderAsync(new Uri(file).AbsoluteUri, Path.Combine(folder, "report-west-mercia-2019-03.png"));

        Assert.Empty(page.Errors);
        Assert.Empty(page.ExternalRequests);
        Assert.Contains("<h2 class=\"section\">Building a More Secure West Mercia</h2>", report.Html, StringComparison.Ordinal);
        Assert.Contains("4,081 incidents were recorded in March.", report.Html, StringComparison.Ordinal); // the template's noun, not "emergency incidents offences"
    }

    /// <summary>The anchors the summary links to, and those of the topic pages, in order.</summary>
    internal static (List<string> Links, List<string> Pages) Anchors(string report) =>
        ([.. Link().Matches(report).Select(m => m.Groups[1].Value)], [.. Page().Matches(report).Select(m => m.Groups[1].Value)]);

    /// <summary>The section of the report with the topic's anchor.</summary>
    private static string TopicPage(string report, string measureId)
    {
        var start = report.IndexOf($"<section class=\"topic\" id=\"m-{measureId}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no page for {measureId}");
        return report[start..(report.IndexOf("</section>", start, StringComparison.Ordinal) + "</section>".Length)];
    }

    [GeneratedRegex("<a href=\"#(m-[a-z0-9_-]+)\">")]
    private static partial Regex Link();

    [GeneratedRegex("<section class=\"topic\" id=\"(m-[a-z0-9_-]+)\">")]
    private static partial Regex Page();
}
