using System.Diagnostics;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// The report prints to A4 as the force hands it out: printed by Chromium (--print-to-pdf) and
/// read back page by page with poppler's pdftotext, each topic starts a page, and every page
/// carries the force, the month and its number. The pages' images go to artifacts/report/.
/// </summary>
public sealed class ReportPrintTests(MetLoadedServer met) : IClassFixture<MetLoadedServer>
{
    private static readonly YearMonth December2016 = new() { Year = 2016, Month = 12 };

    [Fact]
    public async Task TheMetsDecemberReportPrintsToA4WithEachTopicOnItsOwnPageNumbered()
    {
        var report = await met.Analytics().GetReportAsync(new GetReportRequest { ForceCode = MetLoadedServer.Force, Month = December2016 });
        var summary = await met.Analytics().GetPerformanceSummaryAsync(new GetPerformanceSummaryRequest { ForceCode = MetLoadedServer.Force, Month = December2016 });
        var folder = RepositoryFolders.Artifacts("report");
        var html = Path.Combine(folder, "print-" + report.FileName);
        var pdf = Path.ChangeExtension(html, ".pdf");
        await File.WriteAllTextAsync(html, report.Html);
        File.Delete(pdf);

        await RunAsync(
            Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-pdf-header-footer", $"--print-to-pdf={pdf}", new Uri(html).AbsoluteUri);
        var pages = (await RunAsync("pdftotext", "-layout", pdf, "-")).Split('\f').SkipLast(1).ToList();
        await RunAsync("pdftoppm", "-png", "-r", "40", pdf, Path.Combine(folder, "print-page"));

        var topics = summary.Sections.SelectMany(s => s.Rows.Select(r => (Section: s.Name, Topic: r.Topic))).ToList();
        // A topic's page runs on when its 32 boroughs' table does not fit under the chart.
        Assert.InRange(pages.Count, topics.Count + 1, (4 * topics.Count) + 4);
        for (var i = 0; i < pages.Count; i++)
        {
            Assert.Contains("Metropolitan Police · December 2016", pages[i], StringComparison.Ordinal);
            Assert.Contains($"Page {i + 1} of {pages.Count}", pages[i], StringComparison.Ordinal);
        }

        // Each topic's heading opens a page (under its section's heading on the section's first).
        // Topics are found in turn, each on a page after the one before (two sections may share a topic's name).
        var openings = pages.Select(FirstLines).ToList();
        var opened = new List<int>();
        foreach (var (section, topic) in topics)
        {
            var after = opened.Count == 0 ? 0 : opened[^1] + 1;
            var page = openings.FindIndex(after, o => o[0] == topic || (o[0] == section && o.ElementAtOrDefault(1) == topic));
            Assert.True(page >= 0, $"no page after page {after} opens with {topic} ({section})");
            opened.Add(page);
        }

        Assert.True(File.Exists(Path.Combine(folder, $"print-page-{opened[0] + 1:D2}.png")), "page images kept");
    }

    /// <summary>A page's first two lines of text below its running head.</summary>
    private static List<string> FirstLines(string page) =>
        [.. page.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.Contains("Performance Summary", StringComparison.Ordinal)).Take(2)];

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(process.ExitCode == 0, $"{program} exited {process.ExitCode}: {await error}");
        return await output;
    }
}
