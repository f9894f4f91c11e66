using Grpc.Core;
using Metrics.Contracts.V1;
using Microsoft.VisualBasic.FileIO;

namespace Metrics.Server.Tests;

/// <summary>
/// What an analyst does with the console client, on the real police.uk files and corrupted
/// copies of them: nothing outside an import's declared scope changes, a file with one bad row
/// or a broken quote stores nothing, and every change can be shown and undone exactly. Each test
/// has a server of its own, so the batches it counts are its own.
/// </summary>
[Collection(nameof(ConsoleCommands))]
public sealed class ImportSafetyTests : IDisposable
{
    private readonly MetricsServerFactory _server = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("metrics-import-safety-").FullName;

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static string January => Original("2022-01");

    private static string February => Original("2022-02");

    [Fact]
    public async Task AStrayRowOfAnotherMonthRefusesTheFileAndLeavesThatMonthAsItWas()
    {
        var (exit, _, error) = await Cli("import", "street-crimes", January);
        Assert.True(exit == 0, error);
        var january = await RecordedCrime("west-mercia", 1);
        Assert.Equal(CountCrimes(January), january);

        // A February file with one row saying 2022-01 (the report's "8,349 crimes became 1").
        var stray = Copy(February, "2022-02-west-mercia-street.csv", (line, text) => line == 5 ? text.Replace(",2022-02,", ",2022-01,", StringComparison.Ordinal) : text);
        (exit, _, error) = await Cli("import", "street-crimes", stray);

        Assert.Equal(1, exit);
        Assert.Contains("1 of", error, StringComparison.Ordinal);
        Assert.Contains("nothing was stored", error, StringComparison.Ordinal);
        Assert.Contains("lines[5].month: Month is 2022-01, but its file is for 2022-02", error, StringComparison.Ordinal);
        Assert.Equal(january, await RecordedCrime("west-mercia", 1));
        Assert.Null(await RecordedCrime("west-mercia", 2));

        // --skip-invalid stores February without the stray row, and January is still untouched.
        (exit, var output, error) = await Cli("import", "street-crimes", stray, "--skip-invalid", "--json");

        Assert.True(exit == 0, error);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var problem = Assert.Single(json.RootElement.GetProperty("import").GetProperty("problems").EnumerateArray());
        Assert.Equal("5 month Month is 2022-01, but its file is for 2022-02", $"{problem.GetProperty("lineNumber").GetString()} {problem.GetProperty("field").GetString()} {problem.GetProperty("reason").GetString()}");
        Assert.Equal(january, await RecordedCrime("west-mercia", 1));
        Assert.Equal(CountCrimes(February) - 1, await RecordedCrime("west-mercia", 2));
    }

    [Theory]
    [InlineData("an unclosed quote", 4)]
    [InlineData("a field too many", 7)]
    [InlineData("a field too few", 3000)]
    public async Task AMalformedLineIsAnErrorNamingItAndNothingIsStored(string fault, int at)
    {
        var broken = Copy(January, "2022-01-west-mercia-street.csv", (line, text) => line != at ? text : fault switch
        {
            "an unclosed quote" => "\"" + text,
            "a field too many" => text + ",extra",
            _ => text[..text.LastIndexOf(',')],
        });
        var before = await Batches();

        var (exit, output, error) = await Cli("import", "street-crimes", broken, "--json");

        Assert.Equal(1, exit);
        Assert.Contains($"2022-01-west-mercia-street.csv line {at}:", error, StringComparison.Ordinal);
        Assert.Contains("refused whole: nothing was stored", error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.Equal(before, await Batches());
        Assert.Null(await RecordedCrime("west-mercia", 1));
    }

    [Fact]
    public async Task AFileOfAnotherForceIsRefusedAndTheForceIsFoundFromFallsWithin()
    {
        var gloucestershire = Copy(January, "2022-01-gloucestershire-street.csv", (line, text) => text.Replace("West Mercia Police", "Gloucestershire Constabulary", StringComparison.Ordinal));

        var (exit, _, error) = await Cli("import", "street-crimes", gloucestershire);
        Assert.Equal(1, exit);
        Assert.Contains("no force defined on the server is filed under \"Gloucestershire Constabulary\"", error, StringComparison.Ordinal);

        (exit, _, error) = await Cli("import", "street-crimes", gloucestershire, "--force", "west-mercia");
        Assert.Equal(1, exit);
        Assert.Contains("falls_within: Falls within 'Gloucestershire Constabulary', not West Mercia", error, StringComparison.Ordinal);
        Assert.Null(await RecordedCrime("west-mercia", 1));

        // The genuine file needs no --force: its "Falls within" names one force.
        (exit, var output, error) = await Cli("import", "street-crimes", January, "--json");
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("dryRun", output, StringComparison.Ordinal);
        Assert.Equal(CountCrimes(January), await RecordedCrime("west-mercia", 1));
    }

    [Fact]
    public async Task ATableWithoutAMeasureIsRefusedBeforeAnythingIsSent()
    {
        var path = SharedData.PathOf("data", "met-borough", "MPS_Borough_Level_Crime_Historic.csv");

        var (exit, _, error) = await Cli("import", "table", path, "--force", "metropolitan-police", "--area-column", "Borough");

        Assert.Equal(1, exit);
        Assert.Contains("--measure is required", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADryRunShowsTheChangeAndStoresNothing()
    {
        var (exit, output, error) = await Cli("import", "street-crimes", January, "--dry-run", "--json");

        Assert.True(exit == 0, error);
        Assert.Contains("\"dryRun\": true", output, StringComparison.Ordinal);
        Assert.Empty(await Batches(kind: ImportKind.StreetCrimes));
        Assert.Null(await RecordedCrime("west-mercia", 1));

        (exit, output, error) = await Cli("import", "street-crimes", January, "--json");
        Assert.True(exit == 0, error);
        var written = System.Text.Json.JsonDocument.Parse(output).RootElement.GetProperty("import").GetProperty("observationsWritten").GetString();
        (exit, output, error) = await Cli("import", "street-crimes", January, "--dry-run", "--json");

        Assert.True(exit == 0, error);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var changes = json.RootElement.GetProperty("import").GetProperty("changes");
        Assert.False(changes.TryGetProperty("added", out _) || changes.TryGetProperty("changed", out _) || changes.TryGetProperty("removed", out _));
        Assert.Equal(written, changes.GetProperty("unchanged").GetString()); // every figure the import stored, the same again
        Assert.Single(await Batches(kind: ImportKind.StreetCrimes));
    }

    [Fact]
    public async Task ImportsUndoInOrderAndEveryFigureEqualsTheFilesStillInForce()
    {
        var measures = _server.Measures();
        var (exit, _, error) = await Cli("import", "street-crimes", January);
        Assert.True(exit == 0, error);
        var first = (await Batches(kind: ImportKind.StreetCrimes)).Single();

        // A corrected January: the last 100 records withdrawn.
        var lines = File.ReadAllLines(January).Length;
        var corrected = Copy(January, "2022-01-west-mercia-street.csv", (line, text) => line > lines - 100 ? null : text);
        (exit, _, error) = await Cli("import", "street-crimes", corrected);
        Assert.True(exit == 0, error);
        var second = (await Batches(kind: ImportKind.StreetCrimes)).First();
        Assert.Equal(CountCrimes(corrected), await RecordedCrime("west-mercia", 1));

        // The first cannot be undone while the second holds its figures.
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await measures.UndoImportAsync(new UndoImportRequest { ImportId = first.ImportId }));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Equal($"import {second.ImportId} (street_crimes, 2022-01-west-mercia-street.csv) changed the same figures after import {first.ImportId}: undo {second.ImportId} first", refused.Status.Detail);
        Assert.Equal("CONFLICTING_CHANGE", ErrorRead.Reason(refused));

        // Undo the second: the first's figures are back, exactly.
        (exit, var output, error) = await Cli("imports", "undo", second.ImportId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.True(exit == 0, error);
        Assert.Contains($"\"undoesImportId\": \"{second.ImportId}\"", output, StringComparison.Ordinal);
        await AssertEqualsCount(January);

        // Then the first: January holds nothing again.
        (exit, _, error) = await Cli("imports", "undo", first.ImportId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == 0, error);
        Assert.Null(await RecordedCrime("west-mercia", 1));

        // Undoing that undo puts the first back (an undo is a batch like any other).
        var undoOfFirst = (await Batches(kind: ImportKind.Undo)).First();
        var redo = await measures.UndoImportAsync(new UndoImportRequest { ImportId = undoOfFirst.ImportId });
        Assert.True(redo.Changes.Added > 0);
        await AssertEqualsCount(January);

        // The batches say what happened.
        var listed = (await measures.ListImportsAsync(new ListImportsRequest())).Imports.ToDictionary(b => b.ImportId);
        Assert.Equal(undoOfFirst.ImportId, listed[first.ImportId].UndoneByImportId);
        Assert.Equal("test", listed[first.ImportId].Subject);
        var shown = await measures.GetImportAsync(new GetImportRequest { ImportId = second.ImportId });
        Assert.Equal(["police_uk_anti_social_behaviour", "police_uk_recorded_crime"], shown.Scope.MeasureIds);
        Assert.True(shown.Changes.Changed > 0);
        Assert.Contains(shown.Changes.First, c => c.MeasureId == "police_uk_recorded_crime" && c.AreaCode == "west-mercia" && c.Breakdown == ""
            && c.Before.Value == CountCrimes(January) && c.After.Value == CountCrimes(corrected));
    }

    [Fact]
    public async Task AfterImportsACorrectionADeletionAndAnUndoEveryFigureEqualsTheFilesInForce()
    {
        var lines = File.ReadAllLines(January).Length;
        var corrected = Copy(January, "2022-01-west-mercia-street.csv", (line, text) => line > lines - 250 ? null : text);
        foreach (var file in new[] { January, February, corrected })
        {
            var (exit, _, error) = await Cli("import", "street-crimes", file);
            Assert.True(exit == 0, error);
        }

        var (deleted, _, deleteError) = await Cli(
            "figures", "delete", "--force", "west-mercia", "--measure", "police_uk_recorded_crime", "--area", "shropshire", "--from", "2022-02");
        Assert.True(deleted == 0, deleteError);
        var correction = (await Batches(kind: ImportKind.StreetCrimes)).First();
        var (undone, _, undoError) = await Cli("imports", "undo", correction.ImportId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(undone == 0, undoError);

        // In force: January as published, February as published but Shropshire's recorded crime deleted.
        var expected = CountByAreaAndType(January, 1)
            .Concat(CountByAreaAndType(February, 2).Where(c => c.Key.Area != "shropshire"))
            .ToDictionary();
        var stored = new Dictionary<(string Area, int Month, string Type), double>();
        foreach (var area in expected.Keys.Select(k => k.Area).Append("shropshire").Distinct())
        {
            var series = await _server.Measures().GetSeriesAsync(new GetSeriesRequest { MeasureId = "police_uk_recorded_crime", AreaCode = area });
            foreach (var breakdown in series.Breakdowns.Prepend(""))
            {
                var points = breakdown.Length == 0 ? series : await _server.Measures().GetSeriesAsync(
                    new GetSeriesRequest { MeasureId = "police_uk_recorded_crime", AreaCode = area, Breakdown = breakdown });
                foreach (var point in points.Points.Where(p => p.HasValue && p.Value > 0))
                {
                    stored[(area, point.FirstMonth.Month, breakdown)] = point.Value;
                }
            }
        }

        Assert.Equal(expected.OrderBy(e => e.Key), stored.OrderBy(s => s.Key));
        Assert.DoesNotContain(stored.Keys, k => k.Area == "shropshire" && k.Month == 2);
    }

    [Fact]
    public async Task DeletedFiguresComeBackExactlyWhenTheDeletionIsUndone()
    {
        var measures = _server.Measures();
        var before = await HateCrime();
        Assert.NotEmpty(before);

        var (exit, output, error) = await Cli(
            "figures", "delete", "--force", "west-mercia", "--measure", "hate_crime", "--from", "2019-01", "--to", "2019-03", "--dry-run", "--json");
        Assert.True(exit == 0, error);
        Assert.Contains("\"dryRun\": true", output, StringComparison.Ordinal);
        Assert.Equal(before, await HateCrime());

        (exit, _, error) = await Cli("figures", "delete", "--force", "west-mercia", "--measure", "hate_crime", "--from", "2019-01", "--to", "2019-03");
        Assert.True(exit == 0, error);
        Assert.Empty(await HateCrime());
        var deletion = (await Batches(kind: ImportKind.Delete)).Single();
        Assert.True(deletion.Changes.Removed >= before.Count);

        var again = await Assert.ThrowsAsync<RpcException>(async () => await measures.DeleteFiguresAsync(new DeleteFiguresRequest
        {
            ForceCode = "west-mercia",
            MeasureId = "hate_crime",
            From = new YearMonth { Year = 2019, Month = 1 },
            To = new YearMonth { Year = 2019, Month = 3 },
        }));
        Assert.Equal((StatusCode.FailedPrecondition, "NO_FIGURE_FOR_PERIOD"), (again.StatusCode, ErrorRead.Reason(again)));

        (exit, _, error) = await Cli("imports", "undo", deletion.ImportId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == 0, error);
        Assert.Equal(before, await HateCrime());
    }

    [Fact]
    public async Task ViewersSeeBatchesButNotWhoMadeThemAndCannotUndo()
    {
        var (exit, _, error) = await Cli("import", "street-crimes", January);
        Assert.True(exit == 0, error);
        var viewer = new MeasuresService.MeasuresServiceClient(_server.CreateChannel(_server.Token(["viewer"])));

        var batch = (await viewer.ListImportsAsync(new ListImportsRequest())).Imports.First(b => b.Kind == ImportKind.StreetCrimes);
        var undo = await Assert.ThrowsAsync<RpcException>(async () => await viewer.UndoImportAsync(new UndoImportRequest { ImportId = batch.ImportId }));

        Assert.Equal("", batch.Subject);
        Assert.Equal(StatusCode.PermissionDenied, undo.StatusCode);
        var asAdmin = (await _server.Measures().ListImportsAsync(new ListImportsRequest())).Imports.Single(b => b.ImportId == batch.ImportId);
        Assert.Equal("test", asAdmin.Subject); // kept, and shown to those who may change the figures
    }

    private async Task AssertEqualsCount(string file)
    {
        foreach (var (area, count) in CountByArea(file))
        {
            Assert.Equal(count, await RecordedCrime(area, 1));
        }
    }

    private async Task<List<double>> HateCrime()
    {
        var series = await _server.Measures().GetSeriesAsync(new GetSeriesRequest
        {
            MeasureId = "hate_crime",
            AreaCode = "west-mercia",
            Range = new MonthRange { First = new YearMonth { Year = 2019, Month = 1 }, Last = new YearMonth { Year = 2019, Month = 3 } },
        });
        return [.. series.Points.Where(p => p.HasValue).Select(p => p.Value)];
    }

    private async Task<double?> RecordedCrime(string area, int month)
    {
        var series = await _server.Measures().GetSeriesAsync(new GetSeriesRequest
        {
            MeasureId = "police_uk_recorded_crime",
            AreaCode = area,
            Range = new MonthRange { First = new YearMonth { Year = 2022, Month = month }, Last = new YearMonth { Year = 2022, Month = month } },
        });
        return series.Points.SingleOrDefault(p => p.HasValue)?.Value;
    }

    private async Task<List<ImportBatch>> Batches(ImportKind? kind = null) =>
        [.. (await _server.Measures().ListImportsAsync(new ListImportsRequest { PageSize = 1000 })).Imports.Where(b => kind is null || b.Kind == kind)];

    private Task<(int Exit, string Output, string Error)> Cli(params string[] args) =>
        CliRunner.RunAsync(_ => _server.CreateChannel(), args);

    private static string Original(string month) => SharedData.PathOf("data", "police-uk", "west-mercia", $"{month}-west-mercia-street.csv");

    /// <summary>A copy of a real file under a name of our choosing, each line (1 = header) kept, changed or (null) left out.</summary>
    private string Copy(string original, string name, Func<int, string, string?> change)
    {
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder, Guid.NewGuid().ToString("N"))).FullName, name);
        File.WriteAllLines(path, File.ReadAllLines(original).Select((text, i) => change(i + 1, text)).OfType<string>());
        return path;
    }

    /// <summary>Crimes (records with a Crime ID) in a file, counted with another CSV parser.</summary>
    private static double CountCrimes(string file) => CountByArea(file)["west-mercia"];

    private static Dictionary<string, double> CountByArea(string file) =>
        CountByAreaAndType(file, 0).Where(c => c.Key.Type == "").ToDictionary(c => c.Key.Area, c => c.Value);

    /// <summary>Crimes by area and crime type ("" for all), for the force and each area, as the month given.</summary>
    private static Dictionary<(string Area, int Month, string Type), double> CountByAreaAndType(string file, int month)
    {
        var districts = new Dictionary<string, string>
        {
            ["Herefordshire"] = "herefordshire",
            ["Bromsgrove"] = "north-worcestershire",
            ["Redditch"] = "north-worcestershire",
            ["Wyre Forest"] = "north-worcestershire",
            ["Worcester"] = "south-worcestershire",
            ["Malvern Hills"] = "south-worcestershire",
            ["Wychavon"] = "south-worcestershire",
            ["Shropshire"] = "shropshire",
            ["Telford and Wrekin"] = "telford-and-wrekin",
        };
        var counts = new Dictionary<(string Area, int Month, string Type), double>();
        void Count(string area, string type)
        {
            foreach (var key in new[] { (area, month, ""), (area, month, type) })
            {
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        using var parser = new TextFieldParser(file) { TextFieldType = FieldType.Delimited, Delimiters = [","], HasFieldsEnclosedInQuotes = true };
        var header = parser.ReadFields()!.ToList();
        while (parser.ReadFields() is { } fields)
        {
            if (fields[header.IndexOf("Crime ID")].Length == 0)
            {
                continue;
            }

            var type = fields[header.IndexOf("Crime type")];
            Count("west-mercia", type);
            var lsoa = fields[header.IndexOf("LSOA name")];
            if (lsoa.Contains(' ', StringComparison.Ordinal) && districts.TryGetValue(lsoa[..lsoa.LastIndexOf(' ')], out var area))
            {
                Count(area, type);
            }
        }

        return counts;
    }
}
