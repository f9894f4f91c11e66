using System.Text.RegularExpressions;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// The report's first page (March 2019) against the summary the server computes from the seeded
/// data. The seed holds February and March for most topics, so the previous-month clause is
/// compared; the monthly average and the exceptions need 6 months or more, which the report's
/// text does not give, and the page says so rather than guess; where the report published the
/// monthly average (its chart's centre line) the month is read against that, as the report reads it.
/// </summary>
public sealed partial class ReportCommentaryTests(MetricsServerFactory server) : IClassFixture<MetricsServerFactory>
{
    private static readonly YearMonth March2019 = new() { Year = 2019, Month = 3 };

    /// <summary>Each topic whose month and month before are seeded: our data sentence, and the direction the report's sentence must share.</summary>
    public static TheoryData<string, string> ComparedTopics => new()
    {
        { "Repeat Victimisation", "Increased volumes on previous month." },
        { "Total Recorded Crime", "Increased volumes on previous month and above monthly average." },
        { "Violence with Injury", "Increased volumes on previous month and above monthly average." },
        { "Violence without Injury", "Increased volumes on previous month and above monthly average." },
        { "Sexual Offences – Rape", "Increased volumes on previous month and above monthly average." },
        { "Sexual Offences – Other", "Increased volumes on previous month and above monthly average." },
        { "Residential Burglary-Dwelling", "Increased volumes on previous month but in line with monthly average." },
        { "Robbery", "Increased volumes on previous month and above monthly average." },
        { "Missing persons", "Increased volumes on previous month but below monthly average." },
        { "Hate Crime", "Increased volumes on previous month and above monthly average." },
        { "Domestic Abuse", "Increased volumes on previous month and above monthly average." },
        { "Child at Risk", "Increased volumes on previous month and above monthly average." },
        { "CSE", "Increased volumes on previous month." },
        { "Cyber Crime", "Increased volumes on previous month and above monthly average." },
        { "ASB", "Increased volumes on previous month but below monthly average." },
        { "Response Times to Emergency Incidents", "Decreased volumes on previous month." },
        { "Business Crime", "Increased volumes on previous month and above monthly average." },
        { "Rural Crime", "Increased volumes on previous month and above monthly average." },
    };

    [Theory]
    [MemberData(nameof(ComparedTopics))]
    public async Task TheDataColumnSaysWhatTheReportSaysAboutThePreviousMonth(string topic, string expected)
    {
        var printed = PrintedSummary().Single(r => r.Topic == topic);
        var page = await Page();

        var row = ReportRows(page).Single(r => r.Topic == topic);

        Assert.Equal(expected, row.Data);
        var reportSays = expected.StartsWith("Increased", StringComparison.Ordinal) ? "increase" : "decrease";
        Assert.Contains(reportSays, printed.Data, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(row.Exceptions, new[] { Metrics.Analytics.Commentary.CommentaryWriter.TooFewMonths, "No figures by area for Mar 2019" });
    }

    [Fact]
    public async Task TheSectionsAndTopicsAreTheReportsInItsOrder()
    {
        var printed = PrintedSummary();
        var page = await Page();

        Assert.Equal(printed.Select(r => r.Section).Distinct(), page.Sections.Select(s => s.Name).Take(4));
        foreach (var row in printed)
        {
            var ours = page.Sections.Single(s => s.Name == row.Section).Rows.Select(r => r.Topic).ToList();
            Assert.Contains(row.Topic, ours);
        }

        var orderOfPrinted = printed.Select(r => r.Topic).ToList();
        var orderOfOurs = page.Sections.Take(4).SelectMany(s => s.Rows).Select(r => r.Topic).Where(orderOfPrinted.Contains).ToList();
        Assert.Equal(orderOfPrinted, orderOfOurs);
    }

    [Fact]
    public async Task TheInclusionColumnIsTheReportsWhereverItUsesAStandardPhrase()
    {
        string[] standard = ["Month & quarter", "Quarter unless exceptional", "Quarter"];
        var page = await Page();
        var ours = ReportRows(page).ToDictionary(r => r.Topic);

        var compared = PrintedSummary().Where(r => standard.Contains(r.Inclusion)).ToList();

        Assert.True(compared.Count >= 20, $"{compared.Count} topics compared");
        Assert.All(compared, r => Assert.Equal(r.Inclusion, ours[r.Topic].Inclusion));
        Assert.True(ours["Total Recorded Crime"].IncludedThisMonth, "March ends a quarter");
    }

    [Fact]
    public async Task TheNarrativeForTotalCrimeUsesTheReportsWords()
    {
        var page = await Page();

        var crime = page.Sections.SelectMany(s => s.Rows).Single(r => r.MeasureId == "total_recorded_crime");

        // The report's sentence: its monthly average (the centre line of a chart over months the
        // seed does not hold) is kept as the force published it.
        Assert.Equal("7,767 offences were recorded across West Mercia in March. This is an increase compared to February (6,377) and above the monthly average (7,082).", crime.Narrative);
    }

    [Theory]
    [InlineData("Violence with Injury", "above the monthly average (843)")]
    [InlineData("Violence without Injury", "above the monthly average (1,711)")]
    [InlineData("Sexual Offences – Rape", "above the monthly average (101)")]
    [InlineData("Sexual Offences – Other", "above the monthly average (191)")]
    [InlineData("Residential Burglary-Dwelling", "in line with the monthly average (262)")]
    [InlineData("Hate Crime", "above the monthly average (118)")]
    [InlineData("Rural Crime", "above the monthly average (1,585)")]
    [InlineData("ASB", "below the monthly average (3,786)")]
    [InlineData("Business Crime", "above the monthly average (1,083)")]
    public async Task TheNarrativeReadsTheMonthAgainstThePublishedMonthlyAverageAsTheReportDoes(string topic, string clause)
    {
        var page = await Page();
        var report = File.ReadAllText(SharedData.PathOf("reference", "performance-summary-2019-03.md"));

        var row = ReportRows(page).Single(r => r.Topic == topic);

        Assert.Contains(clause, report, StringComparison.Ordinal);
        Assert.EndsWith(clause + ".", row.Narrative, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMeasureSummaryGivesTheReportsComparisonsForTotalCrime()
    {
        var summary = await new AnalyticsService.AnalyticsServiceClient(server.CreateChannel())
            .GetMeasureSummaryAsync(new GetMeasureSummaryRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", Month = March2019 });

        Assert.Equal(7767, summary.Current.Value);
        Assert.Equal(6377, summary.PreviousMonth.Value);
        Assert.Equal(1390, summary.OnPreviousMonth.Difference);
        Assert.Equal("6.17", summary.RatePerThousand.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)); // "Per 1,000 Pop"

        // March ends the financial year: the year to date is the year-end table's 2018/19 against 2017/18.
        Assert.Equal(86590, summary.FinancialYearToDate.Value);
        Assert.Equal(84472, summary.FinancialYearToDateLastYear.Value);
        Assert.Equal("2.5", summary.FinancialYearToDateChange.Percent.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Direction.Increase, summary.Reading.Direction);
        Assert.Equal(Position.Unspecified, summary.Reading.Position);
    }

    [Fact]
    public async Task TheOutcomeTableIsTheReportsRollingWindows()
    {
        var rates = await new AnalyticsService.AnalyticsServiceClient(server.CreateChannel())
            .GetOutcomeRatesAsync(new GetOutcomeRatesRequest { AreaCode = "west-mercia", Month = March2019 });

        Assert.Equal(["Oct 18 - Dec 18", "Nov 18 - Jan 19", "Dec 18 - Feb 19", "Jan 19 - Mar 19"], rates.Windows.Select(w => w.Label));
        var latest = rates.Windows[^1];
        Assert.Equal(15413, latest.TotalOutcomed);
        Assert.Equal(21098, latest.TotalRecorded);
        Assert.Equal("73.1", latest.OutcomePercent.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        var actionTaken = latest.Groups.Single(g => g.Group == "Action Taken");
        Assert.Equal(1388, actionTaken.Outcomed);
        Assert.Equal("6.6", actionTaken.OutcomePercent.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(rates.Windows, w => Assert.True(w.Stored));
    }

    /// <summary>The rows under the report's own sections (the catalogue adds an "Open data" section for police.uk).</summary>
    private static IEnumerable<SummaryRow> ReportRows(GetPerformanceSummaryResponse page)
    {
        var sections = PrintedSummary().Select(r => r.Section).ToHashSet();
        return page.Sections.Where(s => sections.Contains(s.Name)).SelectMany(s => s.Rows);
    }

    private async Task<GetPerformanceSummaryResponse> Page() =>
        await new AnalyticsService.AnalyticsServiceClient(server.CreateChannel())
            .GetPerformanceSummaryAsync(new GetPerformanceSummaryRequest { ForceCode = "west-mercia", Month = March2019 });

    private sealed record PrintedRow(string Section, string Topic, string Inclusion, string Data, string Commentary);

    /// <summary>The report's summary table, parsed from its text: section rows have only a bold heading.</summary>
    private static List<PrintedRow> PrintedSummary()
    {
        var lines = File.ReadAllLines(SharedData.PathOf("reference", "performance-summary-2019-03.md"));
        var start = Array.IndexOf(lines, "## Summary");
        var rows = new List<PrintedRow>();
        var section = "";
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("# ", StringComparison.Ordinal)))
        {
            var cells = line.Split('\t');
            if (cells.Length < 4 || !cells[0].StartsWith("<b>", StringComparison.Ordinal))
            {
                continue;
            }

            var name = System.Net.WebUtility.HtmlDecode(Bold().Replace(cells[0], ""));
            if (cells.Skip(1).All(string.IsNullOrWhiteSpace))
            {
                section = name;
                continue;
            }

            rows.Add(new PrintedRow(section, name, cells[1].Trim(), cells[2].Trim(), cells[3].Trim()));
        }

        return rows;
    }

    [GeneratedRegex("</?b>")]
    private static partial Regex Bold();
}
