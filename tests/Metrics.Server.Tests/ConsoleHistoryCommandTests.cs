using System.Text.Json;
using Grpc.Net.Client;

namespace Metrics.Server.Tests;

/// <summary>The console client's history commands against the seeded in-memory server, read from what they print.</summary>
[Collection(nameof(ConsoleCommands))]
public sealed class ConsoleHistoryCommandTests(MetricsServerFactory server) : IClassFixture<MetricsServerFactory>
{
    [Fact]
    public async Task SeriesPrintsTheMonthsAsked()
    {
        var (exit, output, _) = await RunAsync("series", "total_recorded_crime", "west-mercia", "--from", "2019-02", "--to", "2019-03", "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal([6377.0, 7767.0], json.RootElement.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
    }

    [Fact]
    public async Task TheSeriesChartFormatsItsFigures()
    {
        var (exit, output, _) = await RunAsync("series", "total_recorded_crime", "west-mercia", "--from", "2019-02", "--to", "2019-03");

        Assert.Equal(0, exit);
        Assert.Contains("7,767", output, StringComparison.Ordinal);
        Assert.DoesNotContain("7767", output, StringComparison.Ordinal); // the bars' labels too
    }

    [Fact]
    public async Task ComparisonPrintsTheReportsTable()
    {
        var (exit, output, _) = await RunAsync("comparison", "west-mercia", "2019-03", "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var violence = json.RootElement.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("measure").GetProperty("id").GetString() == "violence_with_injury");
        var telford = violence.GetProperty("cells").EnumerateArray().Single(c => c.GetProperty("areaCode").GetString() == "telford-and-wrekin");
        Assert.Equal(196, telford.GetProperty("volume").GetDouble());
        Assert.Equal("1.13", telford.GetProperty("ratePerThousand").GetDouble().ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task YearEndPrintsTheYearAgainstTheYearBefore()
    {
        var (exit, output, _) = await RunAsync("year-end", "west-mercia", "2018/19", "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var total = json.RootElement.GetProperty("rows")[0];
        Assert.Equal((84472.0, 86590.0), (total.GetProperty("previousTotal").GetDouble(), total.GetProperty("currentTotal").GetDouble()));
        Assert.Equal("2.5", total.GetProperty("percentChange").GetDouble().ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task At80ColumnsEveryMeasureIdIsWholeOnItsLine()
    {
        var ids = (await new Metrics.Contracts.V1.MeasuresService.MeasuresServiceClient(server.CreateChannel()).ListMeasuresAsync(new())).Measures.Select(m => m.Id).ToList();

        var (exit, output, _) = await CliRunner.RunAtWidthAsync(_ => server.CreateChannel(), 80, "measures");

        var lines = output.Split('\n');
        Assert.Equal(0, exit);
        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= 80, $"{line.Length} columns: {line}"));
        Assert.All(ids, id => Assert.Contains(lines, line => line.Contains($"│ {id} ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task At80ColumnsTheComparisonIsATablePerCrimeTypeWithAFigureACell()
    {
        var (exit, output, _) = await CliRunner.RunAtWidthAsync(_ => server.CreateChannel(), 80, "comparison", "west-mercia", "2019-03");

        var lines = output.Split('\n');
        Assert.Equal(0, exit);
        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= 80, $"{line.Length} columns: {line}"));
        // Violence with injury comes first: Telford & Wrekin's volume, the average as West Mercia
        // published it (no earlier month of it is stored), share and rate on one line.
        var telford = lines.First(l => l.Contains("Telford & Wrekin", StringComparison.Ordinal)).Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Telford & Wrekin", "196", "171 p", "13%", "1.13"], telford);
        Assert.Contains("12-month average: (n/12) over the n months stored; p as the force published it", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("summary", "west-mercia", "2019-03")]
    [InlineData("series", "total_recorded_crime", "west-mercia", "--from", "2019-01", "--to", "2019-03")]
    [InlineData("year-end", "west-mercia", "2018/19")]
    public async Task At80ColumnsEveryLineFitsAndNoFigureIsSplit(params string[] command)
    {
        var (exit, output, error) = await CliRunner.RunAtWidthAsync(_ => server.CreateChannel(), 80, command);

        Assert.True(exit == 0, error);
        Assert.All(output.Split('\n'), line => Assert.True(line.TrimEnd().Length <= 80, $"{line.TrimEnd().Length} columns: {line}"));
        Assert.DoesNotMatch(@"\d,\s*\n\s*\d", output); // a figure like 7,767 never broken over two lines
    }

    [Fact]
    public async Task MeasuresAndAreasListTheCatalogue()
    {
        var measures = await RunAsync("measures", "--json");
        var areas = await RunAsync("areas", "--force", "west-mercia", "--json");

        using var measureJson = JsonDocument.Parse(measures.Output);
        using var areaJson = JsonDocument.Parse(areas.Output);
        Assert.Contains(measureJson.RootElement.GetProperty("measures").EnumerateArray(), m => m.GetProperty("id").GetString() == "unresourced_incidents");
        var codes = areaJson.RootElement.GetProperty("areas").EnumerateArray().Select(a => a.GetProperty("code").GetString()).ToList();
        Assert.Equal(9, codes.Count); // the force, its five local policing areas, three partner areas
        Assert.Contains("telford-and-wrekin", codes);
    }

    [Fact]
    public async Task AServerThatIsDownIsOneLineAndExitCodeOne()
    {
        Func<string, GrpcChannel> realNetwork = address => GrpcChannel.ForAddress(address);
        var (exit, output, error) = await CliRunner.RunAsync(realNetwork, "measures", "--server", "http://127.0.0.1:9", "--timeout", "5");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: The server does not answer", line, StringComparison.Ordinal);
        Assert.EndsWith("Is it running? See --server.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutATokenTheCommandSaysHowToGiveOne()
    {
        Func<string, GrpcChannel> anonymous = _ => server.CreateChannel(token: null);
        var (exit, output, error) = await CliRunner.RunAsync(anonymous, "measures");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith("error: The server wants a token: a bearer token is required", error, StringComparison.Ordinal);
        Assert.Contains("--token or METRICS_TOKEN", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenOptionIsSentAsTheBearer()
    {
        Func<string, GrpcChannel> anonymous = _ => server.CreateChannel(token: null);
        var (exit, output, error) = await CliRunner.RunAsync(anonymous, "areas", "--json", "--token", server.Token([Security.ForceRoles.Viewer]));

        Assert.True(exit == 0, error);
        Assert.Contains("telford-and-wrekin", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("measures", "List the measure catalogue")]
    [InlineData("summary", "The report's first page for a force and month")]
    [InlineData("comparison", "--json")]
    [InlineData("year-end", "<YEAR>")]
    [InlineData("report", "--out")]
    [InlineData("watch", "--areas")]
    [InlineData("import", "street-crimes")]
    public async Task EveryCommandHasHelp(string command, string mentioned)
    {
        var help = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(help),
            Ansi = Spectre.Console.AnsiSupport.No,
        });

        var exit = await Metrics.Console.MetricsCli.RunAsync([command, "--help"], default, console);

        Assert.Equal(0, exit);
        Assert.Contains("USAGE:", help.ToString(), StringComparison.Ordinal);
        Assert.Contains(mentioned, help.ToString(), StringComparison.Ordinal);
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) =>
        CliRunner.RunAsync(_ => server.CreateChannel(), args);
}
