using Metrics.Console.Imports;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// The README's promise that a table imported with totals added can be corrected one area at a
/// time: re-importing one borough of the Met's file (one figure corrected) moves that borough
/// and the force total by the correction and leaves every other borough and every force
/// breakdown as the file has them. Before, the force total became that borough's own sum and the
/// force's other breakdowns were wiped.
/// </summary>
public sealed class TotalsReimportTests : IAsyncLifetime
{
    private static readonly YearMonth December2016 = new() { Year = 2016, Month = 12 };
    private readonly MetLoadedServer _met = new();

    public Task InitializeAsync() => _met.InitializeAsync();

    public Task DisposeAsync() => _met.DisposeAsync();

    [Fact]
    public async Task ReimportingOneBoroughWithTotalsMovesTheForceTotalByItsCorrectionAndKeepsEverythingElse()
    {
        var december = MetLoadedServer.IndexOf(2016, 12);
        var layout = new MonthlyTableLayout("total_recorded_crime", "Borough", ["Major Category", "Minor Category"]);
        var westminster = MonthlyTableCsv.Read(MetLoadedServer.MetFile, layout).Where(r => r.Area == "Westminster").ToList();
        var corrected = westminster.Single(r => r.Month.Equals(December2016) && r.BreakdownPath.SequenceEqual(["Theft and Handling", "Other Theft"]));
        corrected.Value += 10;

        await ImportSender.SendObservationsAsync(
            _met.Server.Measures(), new ObservationImportHeader { ForceCode = MetLoadedServer.Force, Source = "westminster-corrected", AddTotals = true },
            westminster, null, null, default);

        var boroughs = MetLoadedServer.BoroughTotals();
        Assert.Equal(MetLoadedServer.ForceTotals()[december] + 10, await FigureAsync(MetLoadedServer.Force, ""));
        Assert.Equal(MetLoadedServer.ForceTotals()[december - 1], await FigureAsync(MetLoadedServer.Force, "", new YearMonth { Year = 2016, Month = 11 }));
        Assert.Equal(MetLoadedServer.ForceTotals("Theft and Handling")[december] + 10, await FigureAsync(MetLoadedServer.Force, "Theft and Handling"));
        Assert.Equal(MetLoadedServer.ForceTotals("Burglary")[december], await FigureAsync(MetLoadedServer.Force, "Burglary"));
        Assert.Equal(boroughs["Westminster"][december] + 10, await FigureAsync("westminster", ""));
        Assert.Equal(boroughs["Camden"][december], await FigureAsync("camden", ""));
    }

    private async Task<double> FigureAsync(string area, string breakdown, YearMonth? month = null)
    {
        var at = month ?? December2016;
        var series = await _met.Server.Measures().GetSeriesAsync(new GetSeriesRequest
        {
            MeasureId = "total_recorded_crime",
            AreaCode = area,
            Breakdown = breakdown,
            Range = new MonthRange { First = at, Last = at },
        });
        return series.Points.Single().Value;
    }
}
