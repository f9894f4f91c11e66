using Grpc.Core;
using Metrics.Console.Imports;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// A force system that lost the connection after its import was stored sends it again with the
/// same request id: it gets the first answer and no second batch. The same id with other content
/// is refused, naming the batch it made; definitions likewise, and a definition's field mask
/// keeps what a client does not send.
/// </summary>
public sealed class RequestRepeatTests : IDisposable
{
    private static readonly YearMonth January2010 = new() { Year = 2010, Month = 1 };
    private readonly MetricsServerFactory _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task AnImportSentAgainWithItsRequestIdAnswersAsTheFirstTimeAndStoresNoSecondBatch()
    {
        var measures = _server.Measures();
        var id = Guid.NewGuid().ToString("D");
        var first = await Import(measures, id, robbery: 17);
        var batchesBefore = await BatchIds(measures);

        var again = await Import(measures, id, robbery: 17);

        Assert.Equal(first, again);
        Assert.True(first.ImportId > 0);
        Assert.Equal(1, first.Changes.Added);
        Assert.Equal(batchesBefore, await BatchIds(measures));
        Assert.Equal(17, (await Robbery(measures)).Value);

        var withoutId = await Import(measures, "", robbery: 17);
        Assert.NotEqual(first.ImportId, withoutId.ImportId);
        Assert.Equal(1, withoutId.Changes.Unchanged);
    }

    [Fact]
    public async Task TheSameRequestIdWithOtherRowsIsRefusedNamingTheBatchItMadeAndStoresNothing()
    {
        var measures = _server.Measures();
        var id = Guid.NewGuid().ToString("D");
        var first = await Import(measures, id, robbery: 17);

        var reused = await Assert.ThrowsAsync<RpcException>(() => Import(measures, id, robbery: 18));
        var (reason, metadata) = ErrorRead.Info(reused);

        Assert.Equal(StatusCode.InvalidArgument, reused.StatusCode);
        Assert.Equal("REQUEST_ID_REUSED", reason);
        Assert.Equal(first.ImportId.ToString(System.Globalization.CultureInfo.InvariantCulture), metadata["import_id"]);
        Assert.Equal(id, metadata["request_id"]);
        Assert.Equal(["header.request_id"], ErrorRead.Fields(reused));
        Assert.Contains($"which made import {first.ImportId}; a new request needs a new id", reused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(17, (await Robbery(measures)).Value);
    }

    [Fact]
    public async Task ARequestIdThatIsNoUuidIsRefusedBeforeAnythingIsStored()
    {
        var measures = _server.Measures();
        var batchesBefore = await BatchIds(measures);

        var refused = await Assert.ThrowsAsync<RpcException>(() => Import(measures, "retry-1", robbery: 17));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(["header.request_id"], ErrorRead.Fields(refused));
        Assert.StartsWith("header.request_id: 'retry-1' is not a UUID", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(batchesBefore, await BatchIds(measures));
    }

    [Fact]
    public async Task TheSameImportSentTwiceAtOnceWithOneIdMakesOneBatchAndBothGetItsAnswer()
    {
        var measures = _server.Measures();
        var id = Guid.NewGuid().ToString("D");
        var batchesBefore = await BatchIds(measures);

        var answers = await Task.WhenAll(Import(measures, id, robbery: 21), Import(measures, id, robbery: 21));

        Assert.Equal(answers[0], answers[1]);
        Assert.Equal([answers[0].ImportId, .. batchesBefore], await BatchIds(measures));
    }

    [Fact]
    public async Task ADefinitionSentAgainWithItsRequestIdAnswersWhatItCreatedNotThatNothingChanged()
    {
        var measures = _server.Measures();
        var request = new DefineMeasuresRequest { RequestId = Guid.NewGuid().ToString("D"), Measures = { NewMeasure("Calls from repeat callers") } };

        var first = await measures.DefineMeasuresAsync(request);
        var again = await measures.DefineMeasuresAsync(request);
        request.RequestId = "";
        var withoutId = await measures.DefineMeasuresAsync(request);

        Assert.Equal((1, 0), (first.Created, first.Unchanged));
        Assert.Equal(first, again);
        Assert.Equal((0, 1), (withoutId.Created, withoutId.Unchanged));
    }

    [Fact]
    public async Task ADefinitionWithoutAMaskKeepsTheFieldsItLeavesEmptyAndAMaskNamingOneClearsIt()
    {
        var measures = _server.Measures();
        await measures.DefineMeasuresAsync(new DefineMeasuresRequest { Measures = { NewMeasure("Calls from repeat callers") } });

        // A client built before descriptions existed sends none: the description stays.
        var older = NewMeasure("Repeat callers");
        older.Description = "";
        var renamed = await measures.DefineMeasuresAsync(new DefineMeasuresRequest { Measures = { older } });
        var afterRename = await Stored(measures);

        var cleared = await measures.DefineMeasuresAsync(new DefineMeasuresRequest
        {
            Measures = { older },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "description" } },
        });
        var afterClear = await Stored(measures);

        var badPath = await Assert.ThrowsAsync<RpcException>(async () => await measures.DefineMeasuresAsync(new DefineMeasuresRequest
        {
            Measures = { older },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "name", "colour" } },
        }));

        Assert.Equal(["name"], renamed.Changed.Single().Fields);
        Assert.Equal(("Repeat callers", "Calls from people who called about the same matter within 24 hours."), (afterRename.Name, afterRename.Description));
        Assert.Equal(["description"], cleared.Changed.Single().Fields);
        Assert.Equal(("Repeat callers", ""), (afterClear.Name, afterClear.Description));
        Assert.Equal(["update_mask.paths[1]"], ErrorRead.Fields(badPath));
        Assert.StartsWith("update_mask.paths[1]: 'colour' is not a field a definition sets; the fields are id, name,", badPath.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAreaDefinedAgainWithoutItsPopulationKeepsItAndTheMaskOfAFilesColumnsClearsAnEmptyCell()
    {
        var measures = _server.Measures();
        var defined = (await measures.ListAreasAsync(new ListAreasRequest { ForceCode = "west-mercia" })).Areas;
        var force = defined.Single(a => a.Code == "west-mercia");
        var areas = defined.Where(a => a.Code != "west-mercia").ToList();
        var shropshire = areas.Single(a => a.Code == "shropshire");
        Assert.True(shropshire.HasPopulation);

        var withoutPopulation = shropshire.Clone();
        withoutPopulation.ClearPopulation();
        var request = new DefineForceRequest { Force = force, Areas = { areas.Select(a => a.Code == "shropshire" ? withoutPopulation : a) } };
        var kept = await measures.DefineForceAsync(request);
        var afterKept = await Area(measures, "shropshire");

        request.UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "*" } };
        var cleared = await measures.DefineForceAsync(request);
        var afterClear = await Area(measures, "shropshire");

        Assert.Empty(kept.Changed);
        Assert.Equal(shropshire.Population, afterKept.Population);
        Assert.Equal("shropshire", cleared.Changed.Single().Key);
        Assert.Equal(["population"], cleared.Changed.Single().Fields);
        Assert.False(afterClear.HasPopulation);
    }

    private static Measure NewMeasure(string name) => new()
    {
        Id = "repeat_callers",
        Name = name,
        Section = "Calls for service",
        Unit = Unit.Count,
        Polarity = Polarity.DownIsGood,
        ReportingRule = ReportingRule.Monthly,
        RateBase = RateBase.None,
        Description = "Calls from people who called about the same matter within 24 hours.",
    };

    private static async Task<Measure> Stored(MeasuresService.MeasuresServiceClient measures) =>
        (await measures.ListMeasuresAsync(new ListMeasuresRequest())).Measures.Single(m => m.Id == "repeat_callers");

    private static async Task<Area> Area(MeasuresService.MeasuresServiceClient measures, string code) =>
        (await measures.ListAreasAsync(new ListAreasRequest { ForceCode = "west-mercia" })).Areas.Single(a => a.Code == code);

    private static Task<ImportSummary> Import(MeasuresService.MeasuresServiceClient measures, string requestId, double robbery) =>
        ImportSender.SendObservationsAsync(
            measures,
            new ObservationImportHeader { ForceCode = "west-mercia", Source = "robbery.csv", RequestId = requestId },
            [new ObservationRow { LineNumber = 2, MeasureId = "robbery", Area = "shropshire", Month = January2010, Value = robbery }],
            null,
            null,
            default);

    private static async Task<SeriesPoint> Robbery(MeasuresService.MeasuresServiceClient measures) =>
        (await measures.GetSeriesAsync(new GetSeriesRequest
        {
            MeasureId = "robbery",
            AreaCode = "shropshire",
            Range = new MonthRange { First = January2010, Last = January2010 },
        })).Points.Single();

    private static async Task<List<long>> BatchIds(MeasuresService.MeasuresServiceClient measures) =>
        [.. (await measures.ListImportsAsync(new ListImportsRequest { PageSize = 1000 })).Imports.Select(b => b.ImportId)];
}
