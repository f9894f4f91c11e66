using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// Retiring takes a measure or an area out of the lists and the report's pages and keeps its
/// history, as a batch that is undone like any other.
/// </summary>
[Collection(nameof(ConsoleCommands))]
public sealed class RetireTests : IDisposable
{
    private static readonly YearMonth March2019 = new() { Year = 2019, Month = 3 };

    private readonly MetricsServerFactory _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task ARetiredMeasureLeavesListsAndPagesKeepsItsHistoryAndComesBackWhenUndone()
    {
        var measures = _server.Measures();
        var history = await HateCrimeAsync();
        Assert.NotEmpty(history);
        Assert.Contains("hate_crime", await SummaryMeasuresAsync());

        var (exit, output, error) = await Cli("retire", "measure", "hate_crime", "--json");

        Assert.True(exit == 0, error);
        Assert.Contains("\"kind\": \"IMPORT_KIND_RETIRE\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain((await measures.ListMeasuresAsync(new ListMeasuresRequest())).Measures, m => m.Id == "hate_crime");
        Assert.True((await measures.ListMeasuresAsync(new ListMeasuresRequest { IncludeRetired = true })).Measures.Single(m => m.Id == "hate_crime").Retired);
        Assert.DoesNotContain("hate_crime", await SummaryMeasuresAsync());
        Assert.Equal(history, await HateCrimeAsync()); // its history, still read by its id

        var again = await Assert.ThrowsAsync<RpcException>(async () => await measures.RetireAsync(new RetireRequest { MeasureId = "hate_crime" }));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        Assert.StartsWith("measure 'hate_crime' is retired already (by import ", again.Status.Detail, StringComparison.Ordinal);

        var retirement = (await measures.ListImportsAsync(new ListImportsRequest())).Imports.First(b => b.Kind == ImportKind.Retire);
        (exit, output, error) = await Cli("imports", "show", retirement.ImportId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == 0, error);
        Assert.Contains($"Import batch {retirement.ImportId} (retirement): ", output, StringComparison.Ordinal);
        Assert.Contains("Scope: no figures (it retired, or brought back, a measure or an area)", output, StringComparison.Ordinal);

        (exit, _, error) = await Cli("imports", "undo", retirement.ImportId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(exit == 0, error);
        Assert.Contains((await measures.ListMeasuresAsync(new ListMeasuresRequest())).Measures, m => m.Id == "hate_crime" && !m.Retired);
        Assert.Contains("hate_crime", await SummaryMeasuresAsync());
        var twice = await Assert.ThrowsAsync<RpcException>(async () => await measures.UndoImportAsync(new UndoImportRequest { ImportId = retirement.ImportId }));
        Assert.Equal(StatusCode.FailedPrecondition, twice.StatusCode);
        Assert.EndsWith("to restore it", twice.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARetiredAreaLeavesTheComparisonAndTheListsAndItsFiguresStay()
    {
        var measures = _server.Measures();
        var before = await measures.GetAreaComparisonAsync(new GetAreaComparisonRequest { ForceCode = "west-mercia", Month = March2019 });
        Assert.Contains(before.Areas, a => a.Code == "herefordshire");
        var series = await measures.GetSeriesAsync(new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "herefordshire" });

        var retired = await measures.RetireAsync(new RetireRequest { AreaCode = "herefordshire" });

        Assert.Equal("west-mercia", retired.Import.ForceCode);
        var after = await measures.GetAreaComparisonAsync(new GetAreaComparisonRequest { ForceCode = "west-mercia", Month = March2019 });
        Assert.DoesNotContain(after.Areas, a => a.Code == "herefordshire");
        Assert.Equal(before.Areas.Count - 1, after.Areas.Count);
        Assert.DoesNotContain((await measures.ListAreasAsync(new ListAreasRequest { ForceCode = "west-mercia" })).Areas, a => a.Code == "herefordshire");
        Assert.Equal(series.Points, (await measures.GetSeriesAsync(new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "herefordshire" })).Points);

        // A dry run of a retirement of something retired says so, and a viewer cannot retire.
        var dryRun = await Assert.ThrowsAsync<RpcException>(async () => await measures.RetireAsync(new RetireRequest { AreaCode = "herefordshire", DryRun = true }));
        Assert.Equal(StatusCode.FailedPrecondition, dryRun.StatusCode);
        var viewer = new MeasuresService.MeasuresServiceClient(_server.CreateChannel(_server.Token(["viewer"])));
        var denied = await Assert.ThrowsAsync<RpcException>(async () => await viewer.RetireAsync(new RetireRequest { AreaCode = "shropshire" }));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await measures.RetireAsync(new RetireRequest { AreaCode = "atlantis" }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        await measures.UndoImportAsync(new UndoImportRequest { ImportId = retired.Import.ImportId });
        Assert.Equal(before.Areas.Count, (await measures.GetAreaComparisonAsync(new GetAreaComparisonRequest { ForceCode = "west-mercia", Month = March2019 })).Areas.Count);
    }

    private async Task<List<double>> HateCrimeAsync() =>
        [.. (await _server.Measures().GetSeriesAsync(new GetSeriesRequest { MeasureId = "hate_crime", AreaCode = "west-mercia" })).Points.Where(p => p.HasValue).Select(p => p.Value)];

    private async Task<List<string>> SummaryMeasuresAsync()
    {
        var analytics = new AnalyticsService.AnalyticsServiceClient(_server.CreateChannel());
        var summary = await analytics.GetPerformanceSummaryAsync(new GetPerformanceSummaryRequest { ForceCode = "west-mercia", Month = March2019 });
        return [.. summary.Sections.SelectMany(s => s.Rows).Select(r => r.MeasureId)];
    }

    private Task<(int Exit, string Output, string Error)> Cli(params string[] args) =>
        CliRunner.RunAsync(_ => _server.CreateChannel(), args);
}
