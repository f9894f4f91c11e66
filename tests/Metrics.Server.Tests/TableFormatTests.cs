using System.Globalization;
using Metrics.Console.Imports;
using Metrics.Contracts.V1;
using Microsoft.VisualBasic.FileIO;

namespace Metrics.Server.Tests;

/// <summary>
/// Ordinary files load: months in the forms spreadsheets and statistics offices write them, long
/// tables (one row per figure) from the real Australian Bureau of Statistics files, and
/// percentages as numerator and denominator. Every stored figure is checked against a sum taken
/// from the file with another CSV parser.
/// </summary>
[Collection(nameof(ConsoleCommands))]
public sealed class TableFormatTests : IDisposable
{
    private static readonly string[] States =
        ["Australian Capital Territory", "New South Wales", "Northern Territory", "Queensland", "South Australia", "Tasmania", "Victoria", "Western Australia"];

    private readonly MetricsServerFactory _server = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("metrics-table-formats-").FullName;

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("2019-03", 2019, 3)]
    [InlineData("201903", 2019, 3)]
    [InlineData("2019/03", 2019, 3)]
    [InlineData("2019-03-01", 2019, 3)]
    [InlineData("2019-03-31", 2019, 3)]
    [InlineData("Mar-19", 2019, 3)]
    [InlineData("Apr-95", 1995, 4)]
    [InlineData("Mar 2019", 2019, 3)]
    [InlineData("March 2019", 2019, 3)]
    [InlineData("Sept 2019", 2019, 9)]
    [InlineData("2019 Mar", 2019, 3)]
    [InlineData("1995 Jan", 1995, 1)]
    [InlineData(" 1976 Jul ", 1976, 7)]
    public void MonthsAreReadInTheFormsFilesWriteThem(string text, int year, int month)
    {
        Assert.True(MonthText.TryParse(text, out var parsed, out var why), why);
        Assert.Equal((year, month), (parsed.Year, parsed.Month));
    }

    [Theory]
    [InlineData("01/03/2019", "'01/03/2019' could be day first (the UK) or month first (the US): write the month as 2019-03")]
    [InlineData("3/1/19", "'3/1/19' could be day first (the UK) or month first (the US): write the month as 2019-03")]
    [InlineData("2019-13", "'2019-13' is not a month: write it 2019-03")]
    [InlineData("2019-02-30", "'2019-02-30' is not a month: write it 2019-03")]
    [InlineData("Borough", "'Borough' is not a month: write it 2019-03")]
    [InlineData("Ma 2019", "'Ma 2019' is not a month: write it 2019-03")]
    public void DatesThatAreNoMonthOrAmbiguousAreRefusedSayingWhy(string text, string reason)
    {
        Assert.False(MonthText.TryParse(text, out _, out var why));
        Assert.Equal(reason, why);
    }

    [Fact]
    public async Task ALongTableWithStatesAndABreakdownLoadsAndEveryTotalEqualsTheFile()
    {
        await DefineAustraliaAsync(States, "livestock_slaughtered");
        var path = SharedData.PathOf("data", "long-tables", "aus_livestock.csv");

        var (exit, output, error) = await Cli(
            "import", "table", path, "--force", "australia", "--measure", "livestock_slaughtered",
            "--area-column", "State", "--value-column", "Count", "--breakdown-column", "Animal", "--json");

        Assert.True(exit == 0, error);
        Assert.Contains("\"rowsRead\": \"29364\"", output, StringComparison.Ordinal);
        var (byState, byAnimal, months) = SumLivestock(path);
        foreach (var state in new[] { "Victoria", "Tasmania" })
        {
            Assert.Equal(Expected(byState, state, months), await SeriesAsync("livestock_slaughtered", AreaCodeOf(state)));
        }

        Assert.Equal(Expected(byState, "", months), await SeriesAsync("livestock_slaughtered", "australia"));
        Assert.Equal(
            Expected(byAnimal, "Victoria/Pigs", months),
            await SeriesAsync("livestock_slaughtered", "victoria", "Pigs"));
    }

    [Fact]
    public async Task ALongTableWithNoAreaColumnLoadsForTheAreaGiven()
    {
        await DefineAustraliaAsync([], "vehicle_sales");
        var path = SharedData.PathOf("data", "long-tables", "aus_vehicle_sales.csv");

        var (exit, _, error) = await Cli(
            "import", "table", path, "--force", "australia", "--measure", "vehicle_sales", "--area", "australia",
            "--value-column", "Count", "--breakdown-column", "Type");

        Assert.True(exit == 0, error);
        using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, Delimiters = [","], HasFieldsEnclosedInQuotes = true };
        parser.ReadFields();
        var totals = new SortedDictionary<(int, int), double>();
        while (parser.ReadFields() is { } fields)
        {
            var parts = fields[1].Split(' ');
            var key = (int.Parse(parts[0], CultureInfo.InvariantCulture), DateTime.ParseExact(parts[1], "MMM", CultureInfo.InvariantCulture).Month);
            totals[key] = totals.GetValueOrDefault(key) + double.Parse(fields[3], CultureInfo.InvariantCulture);
        }

        var stored = await SeriesAsync("vehicle_sales", "australia");
        Assert.Equal(288, stored.Count);
        Assert.Equal(totals.Values, stored.Values);
    }

    [Fact]
    public async Task APercentageLoadsFromANumeratorAndADenominatorColumn()
    {
        var measures = _server.Measures();
        await measures.DefineMeasuresAsync(new DefineMeasuresRequest
        {
            Measures = { new Measure { Id = "no_suspect_share", Name = "Crimes closed with no suspect", Section = "Test", Topic = "Test", Unit = Unit.Percent, Polarity = Polarity.DownIsGood, ReportingRule = ReportingRule.Monthly } },
        });

        // From the real police.uk file: per area, crimes closed with no suspect identified, of all crimes.
        var street = SharedData.PathOf("data", "police-uk", "west-mercia", "2022-01-west-mercia-street.csv");
        var (closed, all) = (0, 0);
        using (var parser = new TextFieldParser(street) { TextFieldType = FieldType.Delimited, Delimiters = [","], HasFieldsEnclosedInQuotes = true })
        {
            var header = parser.ReadFields()!.ToList();
            while (parser.ReadFields() is { } fields)
            {
                if (fields[header.IndexOf("Crime ID")].Length > 0)
                {
                    all++;
                    closed += fields[header.IndexOf("Last outcome category")] == "Investigation complete; no suspect identified" ? 1 : 0;
                }
            }
        }

        var table = Path.Combine(_folder, "no-suspect.csv");
        await File.WriteAllLinesAsync(table, ["Measure,Area,Month,Numerator,Denominator", $"no_suspect_share,West Mercia,Jan-22,{closed},{all}"]);

        var (exit, _, error) = await Cli("import", "table", table, "--force", "west-mercia", "--no-totals");

        Assert.True(exit == 0, error);
        var stored = await SeriesAsync("no_suspect_share", "west-mercia");
        Assert.Equal(100.0 * closed / all, Assert.Single(stored.Values), 9);
        Assert.InRange(closed, 1, all - 1);
    }

    private async Task DefineAustraliaAsync(IEnumerable<string> states, string measureId)
    {
        var measures = _server.Measures();
        var force = new DefineForceRequest { Force = new Area { Code = "australia", Name = "Australia", Kind = AreaKind.Force } };
        force.Areas.Add(states.Select(s => new Area { Code = AreaCodeOf(s), Name = s, Kind = AreaKind.LocalPolicingArea, ParentCode = "australia" }));
        await measures.DefineForceAsync(force);
        await measures.DefineMeasuresAsync(new DefineMeasuresRequest
        {
            Measures = { new Measure { Id = measureId, Name = measureId, Section = "Australia", Topic = "Australia", Unit = Unit.Count, Polarity = Polarity.Neither, ReportingRule = ReportingRule.Monthly } },
        });
    }

    private static string AreaCodeOf(string name) => name.ToLowerInvariant().Replace(' ', '-');

    /// <summary>Totals per state ("" for all) and per state and animal, by month, with another parser.</summary>
    private static (Dictionary<(string, int), double> ByState, Dictionary<(string, int), double> ByAnimal, SortedSet<int> Months) SumLivestock(string path)
    {
        var byState = new Dictionary<(string, int), double>();
        var byAnimal = new Dictionary<(string, int), double>();
        var months = new SortedSet<int>();
        using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, Delimiters = [","], HasFieldsEnclosedInQuotes = true };
        parser.ReadFields();
        while (parser.ReadFields() is { } fields)
        {
            var parts = fields[1].Split(' ');
            var month = (int.Parse(parts[0], CultureInfo.InvariantCulture) * 100) + DateTime.ParseExact(parts[1], "MMM", CultureInfo.InvariantCulture).Month;
            var count = double.Parse(fields[4], CultureInfo.InvariantCulture);
            months.Add(month);
            foreach (var key in new[] { (fields[3], month), ("", month) })
            {
                byState[key] = byState.GetValueOrDefault(key) + count;
            }

            byAnimal[($"{fields[3]}/{fields[2]}", month)] = byAnimal.GetValueOrDefault(($"{fields[3]}/{fields[2]}", month)) + count;
        }

        return (byState, byAnimal, months);
    }

    /// <summary>The months a series has figures in, with the figure: gaps stay gaps.</summary>
    private static SortedDictionary<int, double> Expected(Dictionary<(string, int), double> sums, string key, SortedSet<int> months) =>
        new(months.Where(m => sums.ContainsKey((key, m))).ToDictionary(m => m, m => sums[(key, m)]));

    private async Task<SortedDictionary<int, double>> SeriesAsync(string measureId, string areaCode, string breakdown = "")
    {
        var series = await _server.Measures().GetSeriesAsync(new GetSeriesRequest { MeasureId = measureId, AreaCode = areaCode, Breakdown = breakdown });
        return new(series.Points.Where(p => p.HasValue).ToDictionary(p => (p.FirstMonth.Year * 100) + p.FirstMonth.Month, p => p.Value));
    }

    private Task<(int Exit, string Output, string Error)> Cli(params string[] args) =>
        CliRunner.RunAsync(_ => _server.CreateChannel(), args);
}
