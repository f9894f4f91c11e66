using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Limits;
using Metrics.Server.Security;
using Metrics.Storage.Repositories;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Server.Tests;

/// <summary>Each limit, set low, refused with the status and a message naming its configuration key; nothing of a refused request stored.</summary>
public sealed class LimitsTests : IDisposable
{
    private readonly MetricsServerFactory _server = new()
    {
        Settings =
        {
            ["Limits:MaxMessageBytes"] = "4096",
            ["Limits:MaxEventsPerBatch"] = "10",
            ["Limits:MaxMonthsPerRequest"] = "24",
            ["Limits:MaxSubscriptionsPerCaller"] = "2",
            ["Limits:IngestEventsPerSecond"] = "20",
            ["Limits:IngestBurst"] = "20",
        },
    };

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task ABatchOverTheLimitIsRefusedWhole()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Ingest().PublishBatchAsync(Batch("big", 11)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("events: holds 11 events; the most per batch is 10 (Limits:MaxEventsPerBatch): split it", refused.Status.Detail);
        Assert.Equal("BATCH_TOO_LARGE", ErrorRead.Reason(refused));
        Assert.Equal(["events"], ErrorRead.Fields(refused));
        Assert.Equal(0, await StoredEventsAsync());
    }

    [Fact]
    public void ABatchOverTheCallersBurstIsTooLargeNotToBeRetriedForItCouldNeverBeTaken()
    {
        // Refused as over the rate, it was told to wait a second, and refused again for ever.
        var limits = new Metrics.Server.Limits.LimitOptions { MaxEventsPerBatch = 5000, IngestBurst = 5 };

        var tooLarge = limits.TooManyEvents(6);

        Assert.Null(limits.TooManyEvents(5));
        Assert.Equal((Metrics.Server.Limits.LimitExceeded.EventsPerBatch, "Limits:IngestBurst"), (tooLarge!.Limit, tooLarge.Setting));
        Assert.Equal("events: holds 6 events; the most per batch is 5 (Limits:IngestBurst): split it", tooLarge.Message);
        Assert.Null(tooLarge.RetryAfter);
    }

    [Fact]
    public async Task OnThePublishStreamABatchOverALimitIsRefusedAloneAndTheStreamGoesOn()
    {
        // A continuous publisher keeps its stream: the batch over its rate is refused with when
        // to send it again, one too big is refused to be split, and the batches after are stored.
        using var publish = Ingest().Publish();
        async Task<PublishResponse> Send(string batchId, PublishBatchRequest batch)
        {
            await publish.RequestStream.WriteAsync(new PublishRequest { BatchId = batchId, Events = { batch.Events } });
            Assert.True(await publish.ResponseStream.MoveNext(CancellationToken.None), "the stream ended");
            return publish.ResponseStream.Current;
        }

        var first = await Send("first", Batch("a", 10));
        var second = await Send("second", Batch("b", 10));
        var overRate = await Send("over-rate", Batch("c", 5));
        var tooBig = await Send("too-big", Batch("d", 11));
        _server.Advance(TimeSpan.FromMilliseconds(250));
        var again = await Send("over-rate, again", Batch("c", 5));
        await publish.RequestStream.CompleteAsync();

        Assert.Equal(("first", 10), (first.BatchId, first.Acknowledgement.Accepted));
        Assert.Equal(("second", 10), (second.BatchId, second.Acknowledgement.Accepted));
        Assert.Equal(("over-rate", ErrorReason.RateLimited, TimeSpan.FromMilliseconds(250)), (overRate.BatchId, overRate.Refused.Reason, overRate.Refused.RetryAfter.ToTimeSpan()));
        Assert.Equal("caller 'test' is over 20 events a second (Limits:IngestEventsPerSecond, bursts to 20); retry this batch in 0.25 s", overRate.Refused.Message);
        Assert.Equal(("too-big", ErrorReason.BatchTooLarge, null), (tooBig.BatchId, tooBig.Refused.Reason, tooBig.Refused.RetryAfter));
        Assert.Equal(("over-rate, again", 5), (again.BatchId, again.Acknowledgement.Accepted));
        Assert.False(await publish.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(25, await StoredEventsAsync());
    }

    [Fact]
    public async Task AMessageOverTheSizeLimitIsRefused()
    {
        var batch = Batch("large", 1);
        batch.Events[0].CallOffered.CallId = new string('x', 5000);

        var refused = await Assert.ThrowsAsync<RpcException>(() => Ingest().PublishBatchAsync(batch).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the message is {batch.CalculateSize():N0} bytes; the most is 4,096 bytes (Limits:MaxMessageBytes)"), refused.Status.Detail);
        Assert.Equal(0, await StoredEventsAsync());
    }

    [Fact]
    public async Task AStreamedMessageOverTheSizeLimitIsRefused()
    {
        var batch = new PublishRequest();
        batch.Events.Add(Batch("large", 1).Events);
        batch.Events[0].CallOffered.CallId = new string('x', 5000);
        using var stream = Ingest().Publish();

        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await stream.RequestStream.WriteAsync(batch);
            await stream.ResponseStream.MoveNext(CancellationToken.None);
        });

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("the message is larger than the limit; the most is 4,096 bytes (Limits:MaxMessageBytes)", refused.Status.Detail);
        Assert.Equal(0, await StoredEventsAsync());
    }

    [Fact]
    public async Task ARangeOverTheMonthLimitIsRefused()
    {
        var measures = _server.Measures();
        var range = new MonthRange { First = new YearMonth { Year = 2017, Month = 3 }, Last = new YearMonth { Year = 2019, Month = 3 } };
        var chart = new Metrics.Contracts.V1.AnalyticsService.AnalyticsServiceClient(_server.CreateChannel());

        var series = await Assert.ThrowsAsync<RpcException>(() => measures.GetSeriesAsync(
            new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", Range = range }).ResponseAsync);
        var summary = await Assert.ThrowsAsync<RpcException>(() => chart.GetMeasureSummaryAsync(new GetMeasureSummaryRequest
        {
            MeasureId = "total_recorded_crime",
            AreaCode = "west-mercia",
            Month = new YearMonth { Year = 2019, Month = 3 },
            ChartMonths = 25,
        }).ResponseAsync);
        var withinLimit = await measures.GetSeriesAsync(new GetSeriesRequest
        {
            MeasureId = "total_recorded_crime",
            AreaCode = "west-mercia",
            Range = new MonthRange { First = range.First, Last = new YearMonth { Year = 2019, Month = 2 } },
        });

        Assert.Equal((StatusCode.InvalidArgument, "range: spans 25 months; the most per request is 24 (Limits:MaxMonthsPerRequest)"), (series.StatusCode, series.Status.Detail));
        Assert.Equal((StatusCode.InvalidArgument, "chart_months: is 25; the most per request is 24 (Limits:MaxMonthsPerRequest)"), (summary.StatusCode, summary.Status.Detail));
        Assert.Equal(6377, withinLimit.Points.Single(p => p.Label == "Feb 2019").Value);
    }

    [Fact]
    public async Task ACallerOverItsSubscriptionsIsRefusedUntilOneCloses()
    {
        var control = Live(_server.Token([ForceRoles.Viewer], subject: "control-room"));
        var other = Live(_server.Token([ForceRoles.Viewer], subject: "analyst"));
        using var first = control.Subscribe(new SubscribeRequest());
        using var second = control.Subscribe(new SubscribeRequest());
        await first.NextAsync();
        await second.NextAsync();

        using var third = control.Subscribe(new SubscribeRequest());
        var refused = await Assert.ThrowsAsync<RpcException>(() => third.NextAsync());
        using var anotherCaller = other.Subscribe(new SubscribeRequest());
        var theirs = await anotherCaller.NextAsync();
        first.Dispose();
        await Until(() => Limits().OpenSubscriptions == 2);
        using var afterOneClosed = control.Subscribe(new SubscribeRequest());
        var again = await afterOneClosed.NextAsync();

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("caller 'control-room' already has 2 live streams open; the most is 2 (Limits:MaxSubscriptionsPerCaller)", refused.Status.Detail);
        Assert.Equal(("STREAM_LIMIT", "Limits:MaxSubscriptionsPerCaller"), (ErrorRead.Reason(refused), ErrorRead.Info(refused).Metadata["limit"]));
        Assert.Equal(SubscribeResponse.BodyOneofCase.Snapshot, theirs.BodyCase);
        Assert.Equal(SubscribeResponse.BodyOneofCase.Snapshot, again.BodyCase);
    }

    [Fact]
    public async Task APublisherOverItsRateWaitsForTheBucketToRefill()
    {
        var ingest = Ingest();
        var first = await ingest.PublishBatchAsync(Batch("a", 10));
        var second = await ingest.PublishBatchAsync(Batch("b", 10));

        var refused = await Assert.ThrowsAsync<RpcException>(() => ingest.PublishBatchAsync(Batch("c", 5)).ResponseAsync);
        _server.Advance(TimeSpan.FromMilliseconds(250));
        var afterAQuarterSecond = await ingest.PublishBatchAsync(Batch("c", 5));

        Assert.Equal((10, 10, 5), (first.Acknowledgement.Accepted, second.Acknowledgement.Accepted, afterAQuarterSecond.Acknowledgement.Accepted));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("caller 'test' is over 20 events a second (Limits:IngestEventsPerSecond, bursts to 20); retry this batch in 0.25 s", refused.Status.Detail);
        Assert.Equal(("RATE_LIMITED", TimeSpan.FromMilliseconds(250)), (ErrorRead.Reason(refused), ErrorRead.RetryDelay(refused)));
        Assert.Equal(25, await StoredEventsAsync());
    }

    [Fact]
    public async Task ACancelledImportStoresNothing()
    {
        var measures = _server.Measures();
        var before = (await measures.ListImportsAsync(new ListImportsRequest())).Imports.Count;
        using var cancel = new CancellationTokenSource();
        using var import = measures.ImportObservations(cancellationToken: cancel.Token);
        await import.RequestStream.WriteAsync(new ImportObservationsRequest
        {
            Header = new ObservationImportHeader { Source = "cancelled-import", ForceCode = "west-mercia" },
        });
        await WriteOneRowAsync(import.RequestStream);

        await cancel.CancelAsync();
        var cancelled = await Assert.ThrowsAsync<RpcException>(() => import.ResponseAsync);
        await _server.UntilIdleAsync();
        var after = await measures.ListImportsAsync(new ListImportsRequest());
        var march = await MarchCrimeAsync(measures);

        Assert.True(cancelled.StatusCode == StatusCode.Cancelled, cancelled.ToString());
        Assert.Equal(before, after.Imports.Count);
        Assert.Equal(7767, march);
    }

    [Fact]
    public async Task ADeadlinePassingWhileTheServerWaitsStopsTheImportAndStoresNothing()
    {
        var measures = _server.Measures();
        var before = (await measures.ListImportsAsync(new ListImportsRequest())).Imports.Count;

        // Rows sent and the stream left open: the server holds the import's work and waits for more.
        using var import = measures.ImportObservations(deadline: DateTime.UtcNow.AddSeconds(2));
        await import.RequestStream.WriteAsync(new ImportObservationsRequest
        {
            Header = new ObservationImportHeader { Source = "deadline-import", ForceCode = "west-mercia" },
        });
        await WriteOneRowAsync(import.RequestStream);

        var ended = await Assert.ThrowsAsync<RpcException>(() => import.ResponseAsync);
        await _server.UntilIdleAsync();
        var after = await measures.ListImportsAsync(new ListImportsRequest());
        var march = await MarchCrimeAsync(measures);

        // DEADLINE_EXCEEDED, from the server or the client's own timer; never the server's CANCELLED.
        // Once in a while the server's reset of the unfinished request stream reaches the client
        // before its timer and reads as INTERNAL: deadlines over HTTP/2 are best effort (grpc/grpc#2685).
        Assert.True(ended.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Internal, ended.ToString());
        Assert.Equal(before, after.Imports.Count);
        Assert.Equal(7767, march);
    }

    /// <summary>West Mercia's recorded crime for March 2019 as stored (the seed's 7,767 unless an import changed it).</summary>
    private static async Task<double> MarchCrimeAsync(MeasuresService.MeasuresServiceClient measures)
    {
        var march = new YearMonth { Year = 2019, Month = 3 };
        var series = await measures.GetSeriesAsync(new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", Range = new MonthRange { First = march, Last = march } });
        return series.Points.Single().Value;
    }

    /// <summary>One row that would change March 2019, were it stored.</summary>
    private static Task WriteOneRowAsync(IClientStreamWriter<ImportObservationsRequest> requests) =>
        requests.WriteAsync(new ImportObservationsRequest
        {
            Row = new ObservationRow { MeasureId = "total_recorded_crime", Area = "west-mercia", Month = new YearMonth { Year = 2019, Month = 3 }, Value = 1 },
        });

    private IngestService.IngestServiceClient Ingest() => new(_server.CreateChannel());

    private LiveService.LiveServiceClient Live(string token) => new(_server.CreateChannel(token));

    private CallerLimits Limits() => _server.Services.GetRequiredService<CallerLimits>();

    private async Task<int> StoredEventsAsync() =>
        await _server.Services.GetRequiredService<EventRepository>().ReadAfterAsync(0, CancellationToken.None).CountAsync();

    private static PublishBatchRequest Batch(string prefix, int count)
    {
        var batch = new PublishBatchRequest();
        batch.Events.Add(Enumerable.Range(0, count).Select(i => new OperationalEvent
        {
            Source = "test-system",
            EventId = $"{prefix}-{i}",
            OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start.AddSeconds(-i)),
            CallOffered = new CallOffered { CallId = $"{prefix}-call-{i}", Line = CallLine._999 },
        }));
        return batch;
    }

    private static async Task Until(Func<bool> condition)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, guard.Token);
        }
    }
}
