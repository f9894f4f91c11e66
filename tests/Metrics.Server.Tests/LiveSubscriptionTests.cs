using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Live.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Server.Tests;

/// <summary>End to end on virtual time: events published through IngestService reach a LiveService subscriber as the figures the pipeline computed.</summary>
public sealed class LiveSubscriptionTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);
    private readonly MetricsServerFactory _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task ASubscriberGetsTheSnapshotThenTheFiguresComputedFromAPublishedLog()
    {
        using var subscription = Live().Subscribe(new SubscribeRequest { Feeds = { LiveFeed.Calls } });
        var snapshot = await Next(subscription);

        await Publish(
            Event("a1", 0, new CallOffered { CallId = "c1", Line = CallLine._999 }),
            Event("a2", 6, new CallAnswered { CallId = "c1", Line = CallLine._999, Wait = Duration.FromTimeSpan(TimeSpan.FromSeconds(6)) }),
            Event("a3", 7, new CallOffered { CallId = "c2", Line = CallLine._101 }),
            Event("a4", 9, new CallOffered { CallId = "c3", Line = CallLine._999 }),
            Event("a5", 21, new CallAbandoned { CallId = "c3", Line = CallLine._999, Wait = Duration.FromTimeSpan(TimeSpan.FromSeconds(12)) }));
        _server.Advance(TimeSpan.FromSeconds(1));
        var update = await Next(subscription);

        Assert.NotNull(snapshot.Snapshot);
        Assert.All(snapshot.Snapshot.Figures, f => Assert.Equal(LiveFeed.Calls, f.Feed));
        Assert.Equal(snapshot.Sequence + 1, update.Sequence);
        var figures = update.Update.Figures.ToDictionary(f => f.Key);
        var interval = figures["calls/999/current_interval"].CallWindow;
        Assert.Equal((2, 1, 1), (interval.Offered, interval.Answered, interval.Abandoned));
        Assert.Equal(100, interval.AnsweredWithinThresholdPercent);
        Assert.Equal(50, interval.AbandonedPercent);
        Assert.False(interval.HasMeetsStandard, "one answered call is too few to judge");
        Assert.Equal(10, interval.MinimumAnsweredToJudge);
        Assert.Equal(TimeSpan.FromSeconds(6), interval.AverageWait.ToTimeSpan());
        Assert.Equal(Timestamp.FromDateTimeOffset(MetricsServerFactory.Start), interval.Start);
        Assert.Equal(1, figures["calls/101/waiting"].CallsWaiting.Count);
        Assert.False(figures.ContainsKey("calls/999/waiting"), "no 999 call waited before or after");
        // As of the server's clock: events stamped up to 21 s ahead of it count in the minute they name, and never move it (issue 16).
        Assert.Equal(Timestamp.FromDateTimeOffset(MetricsServerFactory.Start), update.AsOf);

        var now = await Live().GetSnapshotAsync(new GetSnapshotRequest { Feeds = { LiveFeed.Calls } });
        Assert.Equal(update.Sequence, now.Sequence);
        Assert.Equal(interval, now.Figures.Single(f => f.Key == "calls/999/current_interval").CallWindow);
    }

    [Fact]
    public async Task AReconnectResumesFromTheLastSequence()
    {
        long last;
        string token;
        using (var first = Live().Subscribe(new SubscribeRequest()))
        {
            await Next(first);
            await Publish(Event("b1", 0, new IncidentOpened { IncidentId = "i1", AreaCode = "shropshire", Grade = IncidentGrade.Emergency }));
            _server.Advance(TimeSpan.FromSeconds(1));

            // Every change so far (the event's, then the tick's as the incident ages).
            var latest = _server.Services.GetRequiredService<LiveBroadcast>().Sequence;
            SubscribeResponse message;
            do
            {
                message = await Next(first);
            }
            while (message.Sequence < latest);
            (last, token) = (message.Sequence, message.ResumeToken);
        }

        await Publish(Event("b2", 60, new IncidentResourced { IncidentId = "i1" }));
        _server.Advance(TimeSpan.FromSeconds(1));
        using var resumed = Live().Subscribe(new SubscribeRequest { ResumeToken = token });
        var missed = await Next(resumed);

        Assert.True(missed.Update.Resumed);
        Assert.Equal(last + 1, missed.Sequence);
        Assert.Equal(0, missed.Update.Figures.Single(f => f.Key == "unresourced/shropshire/emergency").Unresourced.Count);
    }

    [Fact]
    public async Task AResumeFromBeyondTheReplayBufferOrAnotherProcessGetsASnapshotThatSaysSo()
    {
        await using var server = new MetricsServerFactory { Settings = { ["Live:ReplayCapacity"] = "4" } };
        var live = new LiveService.LiveServiceClient(server.CreateChannel());
        var ingest = new IngestService.IngestServiceClient(server.CreateChannel());
        SubscribeResponse last;
        using (var first = live.Subscribe(new SubscribeRequest()))
        {
            last = await Next(first);
        }

        // Ten changes while the wall is away: more than the four the server keeps to replay.
        for (var i = 0; i < 10; i++)
        {
            await ingest.PublishBatchAsync(new PublishBatchRequest { Events = { Event($"away{i}", i, new IncidentOpened { IncidentId = $"away{i}", AreaCode = "shropshire", Grade = IncidentGrade.Emergency }) } });
            server.Advance(TimeSpan.FromSeconds(1));
        }

        var latest = server.Services.GetRequiredService<LiveBroadcast>().Sequence;
        using var beyond = live.Subscribe(new SubscribeRequest { ResumeToken = last.ResumeToken });
        using var otherProcess = live.Subscribe(new SubscribeRequest { ResumeToken = TokenAt(42, last.ResumeToken) });
        var missed = await Next(beyond);
        var stranger = await Next(otherProcess);
        var garbled = await Assert.ThrowsAsync<RpcException>(() => Next(live.Subscribe(new SubscribeRequest { ResumeToken = "42" })));

        Assert.True(latest - last.Sequence > 4, $"only {latest - last.Sequence} changes were made");
        Assert.Equal(SubscribeResponse.BodyOneofCase.Snapshot, missed.BodyCase);
        Assert.True(missed.Snapshot.ResumeMissed);
        Assert.Equal(Metrics.Contracts.V1.ResumeMiss.ChangesNotKept, missed.Snapshot.ResumeMissedBecause);
        Assert.Equal(StatusCode.InvalidArgument, garbled.StatusCode);
        Assert.Equal(["resume_token"], ErrorRead.Fields(garbled));
        Assert.Equal(latest, missed.Sequence);
        Assert.Equal(10, missed.Snapshot.Figures.Single(f => f.Key == "unresourced/shropshire/emergency").Unresourced.Count);
        Assert.Equal(SubscribeResponse.BodyOneofCase.Snapshot, stranger.BodyCase);
        Assert.True(stranger.Snapshot.ResumeMissed);
    }

    [Fact]
    public async Task AReconnectWithAnotherAreaGetsItsFiguresInASnapshotThatSaysTheFilterChanged()
    {
        // A wall that reconnects having added Herefordshire to ?areas= must show Herefordshire's
        // incidents as they are, which the changes it missed (Shropshire's) never carried.
        await Publish(Event("h1", 0, new IncidentOpened { IncidentId = "h1", AreaCode = "herefordshire", Grade = IncidentGrade.Emergency }));
        _server.Advance(TimeSpan.FromSeconds(1));
        SubscribeResponse last;
        using (var first = Live().Subscribe(new SubscribeRequest { Feeds = { LiveFeed.Incidents }, AreaCodes = { "shropshire" } }))
        {
            last = await Next(first);
        }

        await Publish(Event("s1", 1, new IncidentOpened { IncidentId = "s1", AreaCode = "shropshire", Grade = IncidentGrade.Emergency }));
        _server.Advance(TimeSpan.FromSeconds(1));
        using var widened = Live().Subscribe(new SubscribeRequest { Feeds = { LiveFeed.Incidents }, AreaCodes = { "shropshire", "herefordshire" }, ResumeToken = last.ResumeToken });
        var snapshot = await Next(widened);

        Assert.Equal(SubscribeResponse.BodyOneofCase.Snapshot, snapshot.BodyCase);
        Assert.Equal((true, Metrics.Contracts.V1.ResumeMiss.FilterChanged), (snapshot.Snapshot.ResumeMissed, snapshot.Snapshot.ResumeMissedBecause));
        Assert.Equal(1, snapshot.Snapshot.Figures.Single(f => f.Key == "unresourced/herefordshire/emergency").Unresourced.Count);
        Assert.Equal(1, snapshot.Snapshot.Figures.Single(f => f.Key == "unresourced/shropshire/emergency").Unresourced.Count);
    }

    /// <summary>A token of this server's form for another position (as a token kept from another process would be).</summary>
    private static string TokenAt(long sequence, string token)
    {
        var parts = System.Text.Encoding.ASCII.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token)).Split('.');
        return System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.ASCII.GetBytes($"{parts[0]}.{sequence}.{parts[2]}"));
    }

    [Fact]
    public async Task ASubscriberThatFallsBehindGetsTheLatestFiguresMergedAndSaidSo()
    {
        // Behind for minutes without being dropped as stalled.
        await using var server = new MetricsServerFactory { Settings = { ["Live:StallTimeout"] = "01:00:00" } };
        var live = new LiveService.LiveServiceClient(server.CreateChannel());
        var ingest = new IngestService.IngestServiceClient(server.CreateChannel());
        using var behind = live.Subscribe(new SubscribeRequest { Feeds = { LiveFeed.Intelligence } });
        await Next(behind);

        // Changes one by one while the subscriber reads nothing: more than the transport holds for it.
        const int Changes = 3000;
        for (var i = 0; i < Changes; i++)
        {
            await ingest.PublishBatchAsync(new PublishBatchRequest
            {
                Events = { new OperationalEvent { Source = "test-system", EventId = $"behind{i}", OccurredAt = Timestamp.FromDateTimeOffset(server.Clock.GetUtcNow()), IntelligenceSubmitted = new IntelligenceSubmitted { ReportId = $"b{i}" } } },
            });
            server.Advance(TimeSpan.FromMilliseconds(100)); // each its own update to send
        }

        // Reading at last: until the latest backlog shows (or a read waits 20 s and fails).
        var (updates, conflated, outstanding) = (0, 0, 0);
        while (outstanding < Changes)
        {
            var response = await Next(behind);
            updates++;
            conflated += response.Update?.Conflated == true ? 1 : 0;
            outstanding = response.Update?.Figures.SingleOrDefault(f => f.Key == "intelligence")?.Intelligence.Outstanding ?? outstanding;
        }

        Assert.True(conflated > 0, $"{updates} updates for {Changes} changes, none conflated");
        Assert.True(updates < Changes, $"{updates} updates for {Changes} changes");
        Assert.Equal(Changes, outstanding);
    }

    [Fact]
    public async Task TodaysCountsSayWhenTodayBegan()
    {
        await Publish(
            Event("t1", 0, new IncidentOpened { IncidentId = "t1", AreaCode = "shropshire", Grade = IncidentGrade.Emergency }),
            Event("t2", 60, new IncidentAttended { IncidentId = "t1" }),
            Event("t3", 0, new IntelligenceSubmitted { ReportId = "r1" }));
        _server.Advance(TimeSpan.FromMinutes(2));

        var snapshot = await Live().GetSnapshotAsync(new GetSnapshotRequest { Feeds = { LiveFeed.Incidents, LiveFeed.Intelligence } });

        var midnight = Timestamp.FromDateTimeOffset(new DateTimeOffset(2019, 3, 12, 0, 0, 0, TimeSpan.Zero)); // GMT in March before the change
        Assert.Equal(midnight, snapshot.Figures.Single(f => f.Key == "intelligence").Intelligence.TodayStarted);
        Assert.All(snapshot.Figures.Where(f => f.Attendance is not null), f => Assert.Equal(midnight, f.Attendance.TodayStarted));
        Assert.Equal(1, snapshot.Figures.Single(f => f.Key == "attendance/shropshire").Attendance.Today.Attended);
    }

    [Fact]
    public async Task NothingChangingGivesHeartbeats()
    {
        using var subscription = Live().Subscribe(new SubscribeRequest { Feeds = { LiveFeed.Intelligence } });
        await Next(subscription);

        var next = Next(subscription);
        _server.Clock.Advance(TimeSpan.FromSeconds(5));
        var heartbeat = await next;

        Assert.NotNull(heartbeat.Heartbeat);
    }

    [Fact]
    public async Task UnknownAreasAndFeedsAreRefused()
    {
        var area = await Assert.ThrowsAsync<RpcException>(() => Next(Live().Subscribe(new SubscribeRequest { AreaCodes = { "atlantis" } })));
        var feed = await Assert.ThrowsAsync<RpcException>(() => Live().GetSnapshotAsync(new GetSnapshotRequest { Feeds = { LiveFeed.Unspecified } }).ResponseAsync);

        Assert.Equal((StatusCode.NotFound, "area 'atlantis' does not exist"), (area.StatusCode, area.Status.Detail));
        Assert.Equal((StatusCode.InvalidArgument, "feeds[0]: is not a feed: calls, incidents, intelligence or alerts"), (feed.StatusCode, feed.Status.Detail));
    }

    [Fact]
    public async Task CancelledSubscriptionsAreReleased()
    {
        var broadcast = _server.Services.GetRequiredService<LiveBroadcast>();
        var calls = new List<AsyncServerStreamingCall<SubscribeResponse>>();
        for (var i = 0; i < 20; i++)
        {
            var call = Live().Subscribe(new SubscribeRequest());
            await Next(call);
            calls.Add(call);
        }

        Assert.Equal(20, broadcast.ActiveSubscriptions);
        calls.ForEach(c => c.Dispose());

        Assert.True(SpinWait.SpinUntil(() => broadcast.ActiveSubscriptions == 0, Guard), $"{broadcast.ActiveSubscriptions} still active");
    }

    private LiveService.LiveServiceClient Live() => new(_server.CreateChannel());

    private async Task Publish(params OperationalEvent[] events)
    {
        var ack = await new IngestService.IngestServiceClient(_server.CreateChannel()).PublishBatchAsync(new PublishBatchRequest { Events = { events } });
        Assert.Empty(ack.Acknowledgement.Rejected);
    }

    private static Task<SubscribeResponse> Next(AsyncServerStreamingCall<SubscribeResponse> call) => call.NextAsync();

    private static OperationalEvent Event(string id, double seconds, Google.Protobuf.IMessage kind)
    {
        var e = new OperationalEvent { Source = "test-system", EventId = id, OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start.AddSeconds(seconds)) };
        switch (kind)
        {
            case CallOffered offered: e.CallOffered = offered; break;
            case CallAnswered answered: e.CallAnswered = answered; break;
            case CallAbandoned abandoned: e.CallAbandoned = abandoned; break;
            case IncidentOpened opened: e.IncidentOpened = opened; break;
            case IncidentResourced resourced: e.IncidentResourced = resourced; break;
            case IncidentAttended attended: e.IncidentAttended = attended; break;
            case IntelligenceSubmitted submitted: e.IntelligenceSubmitted = submitted; break;
        }

        return e;
    }
}
