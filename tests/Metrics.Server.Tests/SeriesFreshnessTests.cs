using Metrics.Contracts.V1;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Server.Tests;

/// <summary>
/// A series is answered from memory while nothing it was built from changes (the load floor
/// needs it); a new definition, a new figure or a new breakdown shows in the next answer.
/// </summary>
public sealed class SeriesFreshnessTests : IDisposable
{
    private static readonly GetSeriesRequest WestMercia = new() { MeasureId = "total_recorded_crime", AreaCode = "west-mercia" };
    private readonly MetricsServerFactory _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task ARenamedMeasureANewMonthAndANewBreakdownShowInTheNextSeries()
    {
        var measures = _server.Measures();
        var before = await measures.GetSeriesAsync(WestMercia);
        var again = await measures.GetSeriesAsync(WestMercia);
        var measure = before.Measure.Clone();
        measure.Name = "All recorded crime (renamed)";
        await measures.DefineMeasuresAsync(new DefineMeasuresRequest { Measures = { measure } });
        var renamed = await measures.GetSeriesAsync(WestMercia);

        var nextMonth = before.Points[^1].FirstMonth.Month == 12
            ? new YearMonth { Year = before.Points[^1].FirstMonth.Year + 1, Month = 1 }
            : new YearMonth { Year = before.Points[^1].FirstMonth.Year, Month = before.Points[^1].FirstMonth.Month + 1 };
        await Import(
            new ObservationRow { MeasureId = "total_recorded_crime", Area = "west-mercia", Month = nextMonth, Value = 1234 },
            new ObservationRow { MeasureId = "total_recorded_crime", Area = "west-mercia", Month = nextMonth, BreakdownPath = { "A category no month had" }, Value = 5 });
        var extended = await measures.GetSeriesAsync(WestMercia);

        Assert.Equal(before, again);
        Assert.Equal("All recorded crime (renamed)", renamed.Measure.Name);
        Assert.Equal(before.Points, renamed.Points);
        Assert.Equal(before.Points.Count + 1, extended.Points.Count);
        Assert.Equal(1234, extended.Points[^1].Value);
        Assert.Equal(nextMonth, extended.Points[^1].FirstMonth);
        Assert.Contains("A category no month had", extended.Breakdowns);
        Assert.DoesNotContain("A category no month had", before.Breakdowns);
    }

    [Fact]
    public void GetSeriesIsAnsweredByTheEndpointThatSendsSharedResponsesAsSerializedOnce()
    {
        // Two endpoints share the route (grpc-dotnet offers no other way to change a generated
        // method's marshaller); the one that sends shared bytes must be ordered first.
        var endpoints = _server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText == "/metrics.v1.MeasuresService/GetSeries")
            .OrderBy(e => e.Order)
            .ToList();

        Assert.Equal(2, endpoints.Count);
        Assert.Contains(endpoints[0].Metadata, m => m.GetType().Name == "SharedResponseMethods");
        Assert.DoesNotContain(endpoints[1].Metadata, m => m.GetType().Name == "SharedResponseMethods");
        Assert.True(endpoints[0].Order < endpoints[1].Order);
    }

    private async Task Import(params ObservationRow[] rows)
    {
        using var import = _server.Measures().ImportObservations();
        await import.RequestStream.WriteAsync(new ImportObservationsRequest { Header = new ObservationImportHeader { Source = "freshness-test", ForceCode = "west-mercia" } });
        foreach (var row in rows)
        {
            await import.RequestStream.WriteAsync(new ImportObservationsRequest { Row = row });
        }

        await import.RequestStream.CompleteAsync();
        var summary = (await import.ResponseAsync).Summary;
        Assert.True(summary.RowsRejected == 0, summary.ToString());
    }
}
