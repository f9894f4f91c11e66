using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>What any gRPC client sees: errors that say what is wrong, health, reflection.</summary>
public sealed class ProtocolTests(MetricsServerFactory server) : IClassFixture<MetricsServerFactory>
{
    private static YearMonth Month(int year, int month) => new() { Year = year, Month = month };

    public static TheoryData<GetSeriesRequest, StatusCode, string> BadSeriesRequests() => new()
    {
        { new GetSeriesRequest { AreaCode = "west-mercia" }, StatusCode.InvalidArgument, "measure_id: is required" },
        { new GetSeriesRequest { MeasureId = "total_recorded_crime" }, StatusCode.InvalidArgument, "area_code: is required" },
        { new GetSeriesRequest { MeasureId = "burglary_of_spaceships", AreaCode = "west-mercia" }, StatusCode.NotFound, "measure 'burglary_of_spaceships' does not exist" },
        { new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "gotham" }, StatusCode.NotFound, "area 'gotham' does not exist" },
        {
            new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", Range = new MonthRange { First = Month(2019, 3), Last = Month(2019, 1) } },
            StatusCode.InvalidArgument, "range: is reversed: last (Jan 2019) is before first (Mar 2019)"
        },
        {
            new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", Range = new MonthRange { First = Month(2019, 13), Last = Month(2019, 1) } },
            StatusCode.InvalidArgument, "range.first: month 13 is not a month of the year (1 to 12)"
        },
        {
            new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", Range = new MonthRange { First = Month(2019, 1) } },
            StatusCode.InvalidArgument, "range.last: is required"
        },
        { new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", Granularity = (Granularity)9 }, StatusCode.InvalidArgument, "granularity: 9 is not a granularity" },
    };

    [Theory]
    [MemberData(nameof(BadSeriesRequests))]
    public async Task BadSeriesRequestsSayWhatIsWrong(GetSeriesRequest request, StatusCode code, string detail)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Measures().GetSeriesAsync(request).ResponseAsync);

        Assert.Equal((code, detail), (error.StatusCode, error.Status.Detail));
        Assert.Equal(
            code == StatusCode.InvalidArgument ? ("INVALID_FIELD", detail[..detail.IndexOf(':', StringComparison.Ordinal)]) : (detail.StartsWith("measure", StringComparison.Ordinal) ? "UNKNOWN_MEASURE" : "UNKNOWN_AREA", ""),
            (ErrorRead.Reason(error), ErrorRead.Fields(error).SingleOrDefault() ?? ""));
    }

    [Fact]
    public async Task ATimeComesAsADurationBesideItsSecondsAndNoOtherUnitHasOne()
    {
        var march = new MonthRange { First = Month(2019, 3), Last = Month(2019, 3) };
        var response = await server.Measures().GetSeriesAsync(new GetSeriesRequest { MeasureId = "emergency_response_time", AreaCode = "west-mercia", Range = march });
        var crime = await server.Measures().GetSeriesAsync(new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", Range = march });
        var confidence = (await server.Measures().ListMeasuresAsync(new ListMeasuresRequest())).Measures.Single(m => m.Id == "public_confidence_csew");

        var point = Assert.Single(response.Points);
        Assert.Equal(Unit.Duration, response.Measure.Unit);
        Assert.Equal(765, point.Value);
        Assert.Equal(TimeSpan.FromSeconds(765), point.Duration.ToTimeSpan());
        Assert.Null(Assert.Single(crime.Points).Duration);
        Assert.Equal(Unit.PublishedPercent, confidence.Unit);
    }

    [Fact]
    public async Task AreaComparisonAndYearEndNeedTheirFields()
    {
        var client = server.Measures();

        var noMonth = await Assert.ThrowsAsync<RpcException>(() => client.GetAreaComparisonAsync(new GetAreaComparisonRequest { ForceCode = "west-mercia" }).ResponseAsync);
        var notAForce = await Assert.ThrowsAsync<RpcException>(() =>
            client.GetAreaComparisonAsync(new GetAreaComparisonRequest { ForceCode = "shropshire", Month = Month(2019, 3) }).ResponseAsync);
        var noYear = await Assert.ThrowsAsync<RpcException>(() => client.GetYearEndComparisonAsync(new GetYearEndComparisonRequest { AreaCode = "west-mercia" }).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, "month: is required"), (noMonth.StatusCode, noMonth.Status.Detail));
        Assert.Equal((StatusCode.NotFound, "force 'shropshire' does not exist"), (notAForce.StatusCode, notAForce.Status.Detail));
        Assert.Equal((StatusCode.InvalidArgument, "financial_year: is required"), (noYear.StatusCode, noYear.Status.Detail));
    }

    [Fact]
    public async Task TheCatalogueAndAreasAreServedAsSeeded()
    {
        var client = server.Measures();

        var measures = await client.ListMeasuresAsync(new ListMeasuresRequest());
        var areas = await client.ListAreasAsync(new ListAreasRequest { ForceCode = "west-mercia" });

        var burglary = measures.Measures.Single(m => m.Id == "burglary_residential_dwelling");
        Assert.Equal((Unit.Count, RateBase.Households, "total_recorded_crime"), (burglary.Unit, burglary.RateBase, burglary.PartOfMeasureId));
        Assert.Equal("West Mercia", areas.Areas[0].Name);
        Assert.Equal(7, areas.Areas[0].Peers.Count);
        Assert.Equal(
            ["Herefordshire", "North Worcestershire", "Shropshire", "South Worcestershire", "Telford & Wrekin"],
            areas.Areas.Where(a => a.Kind == AreaKind.LocalPolicingArea).Select(a => a.Name));
    }

    [Fact]
    public async Task HealthSaysServingWhenTheStoreAnswers()
    {
        var health = new Health.HealthClient(server.CreateChannel());

        var response = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task ReflectionListsTheMeasuresServiceWhenConfigured()
    {
        await using var reflecting = new MetricsServerFactory { Settings = { ["Security:Reflection"] = "true" } };
        var reflection = new ServerReflection.ServerReflectionClient(reflecting.CreateChannel(token: null));
        using var call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(default));

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("metrics.v1.MeasuresService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }
}

/// <summary>The web port's static files, where the browser wall display will live.</summary>
public sealed class WebPortTests(MetricsServerFactory server) : IClassFixture<MetricsServerFactory>
{
    [Fact]
    public async Task TheLandingPageSaysWhereTheGrpcPortIs()
    {
        using var client = server.CreateClient();

        var page = await client.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.Contains("--list-methods http://localhost:5080", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrowserAskingForAnIconIsToldThereIsNoneNotThatItNeedsAToken()
    {
        using var client = server.CreateClient();

        using var icon = await client.GetAsync(new Uri("/favicon.ico", UriKind.Relative));
        var wall = await client.GetStringAsync(new Uri("/wall/", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, icon.StatusCode);
        Assert.Contains("<link rel=\"icon\" href=\"data:,\">", wall, StringComparison.Ordinal);
    }
}
