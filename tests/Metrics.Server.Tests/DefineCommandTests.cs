using System.Text.Json;
using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// A force defines itself from files in the seed's own shape, with the console: the seed is the
/// example (defining it again changes nothing), a new force's street files find it by their
/// "Falls within", and a redefinition says what it changes and what it leaves out.
/// </summary>
[Collection(nameof(ConsoleCommands))]
public sealed class DefineCommandTests : IDisposable
{
    private const string GloucestershireAreas = """
        code,name,kind,parent_code,population,households,population_vintage,districts,peers,falls_within
        gloucestershire,Gloucestershire,force,,,,,,,Gloucestershire Constabulary
        cheltenham-and-tewkesbury,Cheltenham & Tewkesbury,local_policing_area,gloucestershire,,,,Cheltenham;Tewkesbury,,
        gloucester,Gloucester,local_policing_area,gloucestershire,,,,Gloucester,,
        stroud-cotswold-forest,"Stroud, Cotswold & Forest of Dean",local_policing_area,gloucestershire,,,,Stroud;Cotswold;Forest of Dean,,
        """;

    private readonly MetricsServerFactory _server = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("metrics-define-").FullName;

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("force", "forces/west-mercia/areas.csv")]
    [InlineData("force", "forces/metropolitan-police/areas.csv")]
    [InlineData("measures", "measures.csv")]
    public async Task TheSeedsOwnFilesAreExamplesThatChangeNothingWhenDefinedAgain(string what, string file)
    {
        var path = Path.Combine(RepositoryFolders.Root, "src", "Metrics.Server", "Seed", file);
        var expected = File.ReadAllLines(path).Length - 1 - QuotedLineBreaks(path);
        Assert.True(expected > 5);

        var (exit, output, error) = await Cli("define", what, path, "--dry-run", "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.TryGetProperty("added", out _));
        Assert.False(json.RootElement.TryGetProperty("changed", out _));
        Assert.Equal(expected, json.RootElement.GetProperty("unchanged").GetInt32());
    }

    [Fact]
    public async Task ADefinitionSentAgainWithTheRequestIdOfTheFirstAnswersAsTheFirstAndAColumnLeftOutIsKept()
    {
        var areas = Path.Combine(_folder, "areas.csv");
        await File.WriteAllTextAsync(areas, GloucestershireAreas);
        var requestId = Guid.NewGuid().ToString("D");

        var first = await Cli("define", "force", areas, "--request-id", requestId, "--json");
        var again = await Cli("define", "force", areas, "--request-id", requestId, "--json");
        var reused = await Cli("define", "measures", Path.Combine(RepositoryFolders.Root, "src", "Metrics.Server", "Seed", "measures.csv"), "--request-id", requestId);

        // The same file without its districts column: the districts stay as defined.
        var withoutDistricts = Path.Combine(_folder, "areas-without-districts.csv");
        await File.WriteAllLinesAsync(withoutDistricts, File.ReadAllLines(areas).Select(line => string.Join(',', SplitCsv(line).Where((_, i) => i != 7))));
        var districtsLeftOut = await Cli("define", "force", withoutDistricts, "--json");

        Assert.True(first.Exit == 0, first.Error);
        Assert.Equal(first.Output, again.Output);
        Assert.Contains("\"created\": 4", first.Output, StringComparison.Ordinal);
        Assert.Equal(1, reused.Exit);
        Assert.Contains("InvalidArgument: request_id: '" + requestId + "' was given at", reused.Error, StringComparison.Ordinal);
        Assert.True(districtsLeftOut.Exit == 0, districtsLeftOut.Error);
        using var json = JsonDocument.Parse(districtsLeftOut.Output);
        Assert.False(json.RootElement.TryGetProperty("changed", out _), districtsLeftOut.Output);
        var gloucester = (await _server.Measures().ListAreasAsync(new ListAreasRequest { ForceCode = "gloucestershire" })).Areas.Single(a => a.Code == "gloucester");
        Assert.Equal(["Gloucester"], gloucester.Districts);
    }

    /// <summary>A line of the test's file split at commas outside quotes (one name holds commas).</summary>
    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string> { "" };
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }

            if (c == ',' && !quoted)
            {
                fields.Add("");
            }
            else
            {
                fields[^1] += c;
            }
        }

        return fields;
    }

    [Fact]
    public async Task ANewForceDefinedFromItsFileIsFoundByItsStreetFilesFallsWithin()
    {
        var areas = Path.Combine(_folder, "areas.csv");
        await File.WriteAllTextAsync(areas, GloucestershireAreas);

        var (exit, output, error) = await Cli("define", "force", areas, "--json");
        Assert.True(exit == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(["gloucestershire", "cheltenham-and-tewkesbury", "gloucester", "stroud-cotswold-forest"], json.RootElement.GetProperty("added").EnumerateArray().Select(a => a.GetString()));
        }

        var listed = await _server.Measures().ListAreasAsync(new ListAreasRequest { ForceCode = "gloucestershire" });
        Assert.Equal(["Gloucestershire Constabulary"], listed.Areas[0].FallsWithin);
        Assert.Equal(["Cotswold", "Forest of Dean", "Stroud"], listed.Areas.Single(a => a.Code == "stroud-cotswold-forest").Districts);
        (exit, output, error) = await Cli("areas", "--force", "gloucestershire");
        Assert.True(exit == 0, error);
        Assert.Contains("Cheltenham; Tewkesbury", output, StringComparison.Ordinal);

        // A street file filed under the force's police.uk name needs no --force.
        var original = SharedData.PathOf("data", "police-uk", "west-mercia", "2022-01-west-mercia-street.csv");
        var street = Path.Combine(_folder, "2022-01-gloucestershire-street.csv");
        await File.WriteAllLinesAsync(street, File.ReadAllLines(original).Select(l => l.Replace("West Mercia Police", "Gloucestershire Constabulary", StringComparison.Ordinal)));
        (exit, output, error) = await Cli("import", "street-crimes", street, "--json");

        Assert.True(exit == 0, error);
        using var summary = JsonDocument.Parse(output);
        var crimes = long.Parse(summary.RootElement.GetProperty("crimes").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var batch = (await _server.Measures().ListImportsAsync(new ListImportsRequest())).Imports.First(b => b.Kind == ImportKind.StreetCrimes);
        Assert.Equal("gloucestershire", batch.ForceCode);
        var stored = await _server.Measures().GetSeriesAsync(new GetSeriesRequest { MeasureId = "police_uk_recorded_crime", AreaCode = "gloucestershire" });
        Assert.Equal(crimes, Assert.Single(stored.Points).Value);
    }

    [Fact]
    public async Task ARedefinitionSaysWhatItChangesAndRetiresTheAreasItLeavesOut()
    {
        var areas = Path.Combine(_folder, "areas.csv");
        await File.WriteAllTextAsync(areas, GloucestershireAreas);
        var (exit, _, error) = await Cli("define", "force", areas);
        Assert.True(exit == 0, error);

        // Gloucester gains a district and Stroud's area is left out.
        var changed = GloucestershireAreas
            .Replace("Gloucester,local_policing_area,gloucestershire,,,,Gloucester,,", "Gloucester,local_policing_area,gloucestershire,,,,Gloucester;Quedgeley,,", StringComparison.Ordinal)
            .Split('\n').Where(l => !l.StartsWith("stroud", StringComparison.Ordinal));
        await File.WriteAllLinesAsync(areas, changed);
        (exit, var output, error) = await Cli("define", "force", areas, "--dry-run", "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var change = Assert.Single(json.RootElement.GetProperty("changed").EnumerateArray());
        Assert.Equal("gloucester", change.GetProperty("key").GetString());
        Assert.Equal(["districts"], change.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["stroud-cotswold-forest"], json.RootElement.GetProperty("leftOut").EnumerateArray().Select(a => a.GetString()));
        var stored = await _server.Measures().ListAreasAsync(new ListAreasRequest { ForceCode = "gloucestershire" });
        Assert.Equal(["Gloucester"], stored.Areas.Single(a => a.Code == "gloucester").Districts);
        Assert.Contains(stored.Areas, a => a.Code == "stroud-cotswold-forest");

        // Stored: Gloucester gains its district, and the area left out is retired, not deleted.
        (exit, _, error) = await Cli("define", "force", areas);
        Assert.True(exit == 0, error);
        var after = await _server.Measures().ListAreasAsync(new ListAreasRequest { ForceCode = "gloucestershire", IncludeRetired = true });
        Assert.Equal(["Gloucester", "Quedgeley"], after.Areas.Single(a => a.Code == "gloucester").Districts);
        Assert.True(after.Areas.Single(a => a.Code == "stroud-cotswold-forest").Retired);
        var retirement = (await _server.Measures().ListImportsAsync(new ListImportsRequest())).Imports.First(b => b.Kind == ImportKind.Retire);
        Assert.Equal("retire area 'stroud-cotswold-forest': left out of a definition of gloucestershire", retirement.Source);
        await _server.Measures().UndoImportAsync(new UndoImportRequest { ImportId = retirement.ImportId });
        Assert.Contains((await _server.Measures().ListAreasAsync(new ListAreasRequest { ForceCode = "gloucestershire" })).Areas, a => a.Code == "stroud-cotswold-forest");
    }

    [Fact]
    public async Task AKindThatIsNoKindIsAnErrorNamingTheLineAndTheWordsAllowed()
    {
        var areas = Path.Combine(_folder, "areas.csv");
        await File.WriteAllTextAsync(areas, GloucestershireAreas.Replace("gloucester,Gloucester,local_policing_area", "gloucester,Gloucester,lpa", StringComparison.Ordinal));

        var (exit, _, error) = await Cli("define", "force", areas);

        Assert.Equal(1, exit);
        Assert.Contains("areas.csv line 4: kind 'lpa' is not one of force, local_policing_area, partner_area", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AForcesOwnMeasureIsOnItsPagesAndNeverOnAnotherForces()
    {
        var areas = Path.Combine(_folder, "areas.csv");
        await File.WriteAllTextAsync(areas, GloucestershireAreas);
        var measures = Path.Combine(_folder, "measures.csv");
        await File.WriteAllTextAsync(measures, """
            id,name,section,topic,unit,polarity,reporting_rule,breakdown_kind,rate_base,part_of,description,force
            rural_crime,Rural crime,Safer Countryside,Rural Crime,count,down_is_good,monthly,,population,,Crimes flagged rural.,gloucestershire
            """);
        Assert.Equal(0, (await Cli("define", "force", areas)).Exit);

        var (exit, _, error) = await Cli("define", "measures", measures);

        Assert.True(exit == 0, error);
        var client = _server.Measures();
        Assert.DoesNotContain((await client.ListMeasuresAsync(new ListMeasuresRequest { ForceCode = "west-mercia" })).Measures, m => m.Id == "rural_crime");
        Assert.Equal("gloucestershire", (await client.ListMeasuresAsync(new ListMeasuresRequest { ForceCode = "gloucestershire" })).Measures.Single(m => m.Id == "rural_crime").ForceCode);
        var analytics = new AnalyticsService.AnalyticsServiceClient(_server.CreateChannel());
        var march = new YearMonth { Year = 2019, Month = 3 };
        var westMercia = await analytics.GetPerformanceSummaryAsync(new GetPerformanceSummaryRequest { ForceCode = "west-mercia", Month = march });
        var gloucestershire = await analytics.GetPerformanceSummaryAsync(new GetPerformanceSummaryRequest { ForceCode = "gloucestershire", Month = march });
        Assert.DoesNotContain(westMercia.Sections, s => s.Name == "Safer Countryside");
        Assert.Contains(gloucestershire.Sections, s => s.Name == "Safer Countryside" && s.Rows.Any(r => r.MeasureId == "rural_crime"));

        // West Mercia's figures cannot be filed under Gloucestershire's measure.
        var refused = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() => Metrics.Console.Imports.ImportSender.SendObservationsAsync(
            client, new ObservationImportHeader { ForceCode = "west-mercia", Source = "test" },
            [new ObservationRow { LineNumber = 2, MeasureId = "rural_crime", Area = "shropshire", Month = march, Value = 4 }], null, null, default));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var details = refused.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!;
        var violation = Assert.Single(details.FieldViolations);
        Assert.Equal(("lines[2].measure_id", "measure_id 'rural_crime' is gloucestershire's own measure, not West Mercia's"), (violation.Field, violation.Description));
    }

    /// <summary>Lines that continue a quoted field (a description over two lines) are not rows.</summary>
    private static int QuotedLineBreaks(string path) =>
        File.ReadAllLines(path).Count(l => l.Count(c => c == '"') % 2 == 1) / 2;

    private Task<(int Exit, string Output, string Error)> Cli(params string[] args) =>
        CliRunner.RunAsync(_ => _server.CreateChannel(), args);
}
