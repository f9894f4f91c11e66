using Grpc.Core;
using Metrics.Console.Imports;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// Text the store could not keep the same way on both engines (longer than its column, an id
/// with blank ends, an id that differs from another only in case) is refused at the edge with
/// INVALID_ARGUMENT naming the field, and nothing is written.
/// </summary>
public sealed class DefinitionTextTests(MetricsServerFactory server) : IClassFixture<MetricsServerFactory>
{
    [Theory]
    [InlineData("section", "measures[1].section: is 201 characters; the most is 200")]
    [InlineData("description", "measures[1].description: is 1001 characters; the most is 1000")]
    [InlineData("padded id", "measures[1].id: ' burglary_new' begins or ends with white space; ids are compared exactly")]
    [InlineData("case twin", "measures: id 'Total_Recorded_Crime' differs from measure 'total_recorded_crime' only in case; ids are compared exactly")]
    public async Task AMeasureTheStoreCouldNotKeepTheSameWayEverywhereIsRefusedAndNoneIsDefined(string fault, string expected)
    {
        var client = server.Measures();
        var before = (await client.ListMeasuresAsync(new ListMeasuresRequest())).Measures.Select(m => m.Id).ToList();
        var bad = New("burglary_new") switch
        {
            var m when fault == "section" => Changed(m, x => x.Section = new string('s', 201)),
            var m when fault == "description" => Changed(m, x => x.Description = new string('d', 1001)),
            var m when fault == "padded id" => Changed(m, x => x.Id = " burglary_new"),
            var m => Changed(m, x => x.Id = "Total_Recorded_Crime"),
        };

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.DefineMeasuresAsync(new DefineMeasuresRequest { Measures = { New("fine_new"), bad } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(expected, refused.Status.Detail);
        Assert.Equal(before, (await client.ListMeasuresAsync(new ListMeasuresRequest())).Measures.Select(m => m.Id));
    }

    [Fact]
    public async Task AnImportWhoseSourceIsLongerThanItsColumnIsRefusedBeforeAnyRowIsStored()
    {
        var client = server.Measures();
        var row = new ObservationRow { LineNumber = 2, MeasureId = "hate_crime", Area = "shropshire", Month = new YearMonth { Year = 2030, Month = 1 }, Value = 5 };

        // Many rows, so that the client is still writing when the server refuses the header: it
        // must still be told why (it was told only "Cancelled" when a write met the ended call).
        var refused = await Assert.ThrowsAsync<RpcException>(() => ImportSender.SendObservationsAsync(
            client, new ObservationImportHeader { ForceCode = "west-mercia", Source = new string('f', 1001) }, Enumerable.Repeat(row, 50_000), null, null, default));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("header.source: is 1001 characters; the most is 1000", refused.Status.Detail);
        var stored = await client.GetSeriesAsync(new GetSeriesRequest
        {
            MeasureId = "hate_crime",
            AreaCode = "shropshire",
            Range = new MonthRange { First = new YearMonth { Year = 2030, Month = 1 }, Last = new YearMonth { Year = 2030, Month = 1 } },
        });
        Assert.False(Assert.Single(stored.Points).HasValue);
    }

    private static Measure New(string id) => new()
    {
        Id = id,
        Name = "New measure",
        Section = "Building a More Secure West Mercia",
        Topic = "Burglary",
        Unit = Unit.Count,
        Polarity = Polarity.DownIsGood,
        ReportingRule = ReportingRule.MonthAndQuarter,
    };

    private static Measure Changed(Measure measure, Action<Measure> change)
    {
        change(measure);
        return measure;
    }
}
