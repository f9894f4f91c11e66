using System.Text.Json;

namespace Metrics.Server.Tests;

/// <summary>Console commands write to the process's standard output, so these run alone.</summary>
[CollectionDefinition(nameof(ConsoleCommands), DisableParallelization = true)]
public sealed class ConsoleCommands;

/// <summary>The console client's summary and report commands against the in-memory server.</summary>
[Collection(nameof(ConsoleCommands))]
public sealed class ConsoleReportCommandTests(MetLoadedServer met) : IClassFixture<MetLoadedServer>
{
    [Fact]
    public async Task ReportWritesTheHtmlFileItNames()
    {
        var path = Path.Combine(RepositoryFolders.Artifacts("report"), "console-report.html");
        File.Delete(path);

        var (exit, output, error) = await RunAsync("report", MetLoadedServer.Force, "2016-12", "--out", path, "--json");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(path, json.RootElement.GetProperty("file").GetString());
        Assert.Contains("<svg class=\"chart\" data-measure=\"total_recorded_crime\"", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutOutTheReportGoesToTheFolderItIsRunFromAndSaysWhere()
    {
        // The client as a process of its own, run from a folder of the user's (never the repository).
        await using var server = await ServerProcess.StartAsync();
        var folder = Directory.CreateTempSubdirectory("metrics-report-").FullName;
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "metrics.dll"), "report", "west-mercia", "2019-03"])
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["METRICS_SERVER"] = server.GrpcAddress.AbsoluteUri;
            start.Environment["METRICS_TOKEN"] = server.Token([Metrics.Server.Security.ForceRoles.Viewer]);
            start.Environment["COLUMNS"] = "300";
            using var client = System.Diagnostics.Process.Start(start)!;
            var output = await client.StandardOutput.ReadToEndAsync();
            var error = await client.StandardError.ReadToEndAsync();
            await client.WaitForExitAsync();

            Assert.True(client.ExitCode == 0, error);
            var written = Assert.Single(Directory.GetFiles(folder));
            Assert.EndsWith(".html", written, StringComparison.Ordinal);
            Assert.Contains($"Report written to {written}", output.ReplaceLineEndings(""), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task TheYearlyChartOfACountLeavesOutPartYearsAndSaysWhich()
    {
        var json = await RunAsync("series", "total_recorded_crime", MetLoadedServer.Force, "--by", "year", "--json");
        var (exit, output, _) = await RunAsync("series", "total_recorded_crime", MetLoadedServer.Force, "--by", "year");

        using var points = JsonDocument.Parse(json.Output);
        var part = points.RootElement.GetProperty("points").EnumerateArray()
            .Where(p => p.TryGetProperty("value", out _) && !(p.TryGetProperty("complete", out var complete) && complete.GetBoolean()))
            .Select(p => $"{p.GetProperty("label").GetString()} ({p.GetProperty("monthsWithData").GetInt32()} of 12 months)")
            .ToList();
        Assert.Equal(0, exit);
        Assert.NotEmpty(part); // the file's first and last financial years are part years
        Assert.Contains($"Not charted, part periods: {string.Join(", ", part)}.", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.DoesNotContain(output.Split('\n'), line => line.Contains('█') && part.Any(p => line.StartsWith(p[..7], StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SummaryPrintsTheFirstPage()
    {
        var (exit, output, _) = await RunAsync("summary", MetLoadedServer.Force, "2016-12", "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var crime = json.RootElement.GetProperty("sections").EnumerateArray()
            .SelectMany(s => s.GetProperty("rows").EnumerateArray())
            .First(r => r.GetProperty("measureId").GetString() == "total_recorded_crime");
        Assert.Equal("Increased volumes on previous month and above monthly average.", crime.GetProperty("data").GetString());
    }

    [Fact]
    public async Task ABadMonthOrForceIsOneLineAndExitCodeOne()
    {
        var badMonth = await RunAsync("report", MetLoadedServer.Force, "December");
        var badForce = await RunAsync("summary", "atlantis", "2016-12");

        Assert.Equal(1, badMonth.Exit);
        Assert.Equal("error: 'December' is not a month: write it 2019-03", badMonth.Error.Trim());
        Assert.Equal(1, badForce.Exit);
        Assert.Equal("error: NotFound: force 'atlantis' does not exist", badForce.Error.Trim());
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) =>
        CliRunner.RunAsync(_ => met.Server.CreateChannel(), args);
}
