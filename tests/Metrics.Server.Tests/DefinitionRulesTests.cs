using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// Definitions that would make the figures wrong are refused, naming what is wrong: a measure
/// that is part of itself (which made every year-end request spin for ever), a district given to
/// two areas of one force, a breakdown that does not exist.
/// </summary>
[Collection(nameof(ConsoleCommands))]
public sealed class DefinitionRulesTests(MetricsServerFactory server) : IClassFixture<MetricsServerFactory>
{
    [Fact]
    public async Task AMeasurePartOfItselfOrOfItsOwnPartIsRefusedNamingTheCycle()
    {
        var client = server.Measures();
        var before = (await client.ListMeasuresAsync(new ListMeasuresRequest())).Measures;

        var itself = await Refused(client.DefineMeasuresAsync(new DefineMeasuresRequest { Measures = { Measure("loop_a", partOf: "loop_a") } }).ResponseAsync);
        var pair = await Refused(client.DefineMeasuresAsync(new DefineMeasuresRequest { Measures = { Measure("loop_a", "loop_b"), Measure("loop_b", "loop_a") } }).ResponseAsync);

        // And through a measure already stored: the total made part of one of its own parts.
        var burglary = before.Single(m => m.Id == "burglary_residential_dwelling");
        var total = before.Single(m => m.Id == burglary.PartOfMeasureId);
        var redefined = total.Clone();
        redefined.PartOfMeasureId = burglary.Id;
        var stored = await Refused(client.DefineMeasuresAsync(new DefineMeasuresRequest { Measures = { redefined } }).ResponseAsync);

        Assert.Equal("measures[0].part_of_measure_id: makes a cycle: loop_a → loop_a", itself.Status.Detail);
        Assert.Equal("measures[0].part_of_measure_id: makes a cycle: loop_a → loop_b → loop_a", pair.Status.Detail);
        Assert.Contains($"makes a cycle: {burglary.Id} → {total.Id} → {burglary.Id}", stored.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, (await client.ListMeasuresAsync(new ListMeasuresRequest())).Measures);

        // The year-end table still answers at once.
        var table = await client.GetYearEndComparisonAsync(
            new GetYearEndComparisonRequest { AreaCode = "west-mercia", FinancialYear = 2018 }, deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.NotEmpty(table.Rows);
    }

    [Fact]
    public async Task ADistrictGivenToTwoAreasOfAForceIsRefusedNamingBoth()
    {
        var client = server.Measures();
        var request = new DefineForceRequest { Force = new Area { Code = "gloucestershire", Name = "Gloucestershire Constabulary", Kind = AreaKind.Force } };
        request.Areas.Add(new Area { Code = "north", Name = "North", Kind = AreaKind.LocalPolicingArea, ParentCode = "gloucestershire", Districts = { "Cheltenham", "Tewkesbury" } });
        request.Areas.Add(new Area { Code = "south", Name = "South", Kind = AreaKind.LocalPolicingArea, ParentCode = "gloucestershire", Districts = { "Stroud", "cheltenham" } });

        var refused = await Refused(client.DefineForceAsync(request).ResponseAsync);

        Assert.Equal(
            "areas[1].districts: 'cheltenham' is already a district of north (areas[0]); a district belongs to one area of a force",
            refused.Status.Detail);
        Assert.DoesNotContain((await client.ListAreasAsync(new ListAreasRequest())).Areas, a => a.Code == "gloucestershire");
    }

    [Fact]
    public async Task AMisspeltBreakdownIsNotFoundListingTheStoredOnes()
    {
        var client = server.Measures();
        var january2010 = new YearMonth { Year = 2010, Month = 1 };
        await Metrics.Console.Imports.ImportSender.SendObservationsAsync(
            client, new ObservationImportHeader { ForceCode = "west-mercia", Source = "breakdowns", AddTotals = true },
            [
                new ObservationRow { LineNumber = 2, MeasureId = "total_recorded_crime", Area = "shropshire", Month = january2010, BreakdownPath = { "Burglary" }, Value = 40 },
                new ObservationRow { LineNumber = 3, MeasureId = "total_recorded_crime", Area = "shropshire", Month = january2010, BreakdownPath = { "Robbery" }, Value = 3 },
            ],
            null, null, default);
        var stored = await client.GetSeriesAsync(new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia" });
        Assert.Equal(["Burglary", "Robbery"], stored.Breakdowns);

        var misspelt = await Assert.ThrowsAsync<RpcException>(async () => await client.GetSeriesAsync(
            new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", Breakdown = "Burglery" }));

        Assert.Equal(StatusCode.NotFound, misspelt.StatusCode);
        Assert.StartsWith("breakdown 'Burglery' does not exist for total_recorded_crime in west-mercia; the stored breakdowns are: ", misspelt.Status.Detail, StringComparison.Ordinal);
        Assert.Contains($"'{stored.Breakdowns[0]}'", misspelt.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSeriesCommandSaysThereAreNoFiguresInsteadOfCrashing()
    {
        var (exit, output, error) = await CliRunner.RunAsync(
            _ => server.CreateChannel(), "series", "total_recorded_crime", "west-mercia", "--from", "2005-01", "--to", "2005-03");

        Assert.True(exit == 0, error);
        Assert.Empty(error);
        Assert.Contains("No figures for total_recorded_crime in west-mercia from 2005-01 to 2005-03", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    private static async Task<RpcException> Refused(Task call)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        return refused;
    }

    private static Measure Measure(string id, string partOf) => new()
    {
        Id = id,
        Name = id,
        Section = "Test",
        Topic = "Test",
        Unit = Unit.Count,
        Polarity = Polarity.DownIsGood,
        ReportingRule = ReportingRule.Monthly,
        PartOfMeasureId = partOf,
    };
}
