using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>Alerts reach a subscriber once when raised, and the rules are configuration.</summary>
public sealed class LiveAlertTests : IDisposable
{
    private readonly MetricsServerFactory _server = new() { Settings = { ["Alerts:OutstandingIntelligenceLimit"] = "3" } };

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task ABacklogOverTheConfiguredLimitIsRaisedOnce()
    {
        using var subscription = new LiveService.LiveServiceClient(_server.CreateChannel()).Subscribe(new SubscribeRequest { Feeds = { LiveFeed.Alerts } });
        Assert.Empty((await Next(subscription)).Snapshot.Figures);

        var batch = new PublishBatchRequest();
        batch.Events.Add(Enumerable.Range(0, 4).Select(i => new OperationalEvent
        {
            Source = "test-system",
            EventId = $"intel{i}",
            OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start.AddSeconds(i)),
            IntelligenceSubmitted = new IntelligenceSubmitted { ReportId = $"r{i}" },
        }));
        var ack = await new IngestService.IngestServiceClient(_server.CreateChannel()).PublishBatchAsync(batch);
        _server.Advance(TimeSpan.FromSeconds(1));
        var raised = await Next(subscription);
        // A second at a time until the heartbeat comes: the subscription arms its heartbeat timer
        // when it next waits, which may be after this test has read the update and moved the clock.
        var next = Next(subscription);
        for (var second = 0; second < 20 && !next.IsCompleted; second++)
        {
            _server.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(next, Task.Delay(200));
        }

        var quiet = await next;

        Assert.Equal(4, ack.Acknowledgement.Accepted);
        var alert = Assert.Single(raised.Update.Figures).Alert;
        Assert.Equal((AlertKind.OutstandingIntelligenceHigh, true), (alert.Kind, alert.Active));
        Assert.Equal("4 intelligence reports outstanding, above the limit of 3", alert.Message);
        Assert.Equal((AlertScope.Force, CallLine.Unspecified, ""), (alert.Scope, alert.Line, alert.AreaCode));
        Assert.NotNull(quiet.Heartbeat);
    }

    [Fact]
    public async Task ABacklogBackUnderTheLimitClearsOnceAfterTheClearTimeAndNotBefore()
    {
        var ingest = new IngestService.IngestServiceClient(_server.CreateChannel());
        var live = new LiveService.LiveServiceClient(_server.CreateChannel());
        var raisedAt = _server.Clock.GetUtcNow();
        await ingest.PublishBatchAsync(Reports(4, (i, e) => e.IntelligenceSubmitted = new IntelligenceSubmitted { ReportId = $"r{i}" }));
        _server.Advance(TimeSpan.FromSeconds(1));

        // Two processed: two outstanding, under the limit of 3, from this moment.
        var backAt = _server.Clock.GetUtcNow();
        await ingest.PublishBatchAsync(Reports(2, (i, e) => e.IntelligenceProcessed = new IntelligenceProcessed { ReportId = $"r{i}" }));
        _server.Advance(TimeSpan.FromSeconds(1));

        // Minute by minute for a quarter of an hour: the alert as a wall would be shown it.
        var states = new List<(TimeSpan After, bool Active)>();
        AlertFigure? last = null;
        for (var minute = 0; minute <= 15; minute++)
        {
            var snapshot = await live.GetSnapshotAsync(new GetSnapshotRequest { Feeds = { LiveFeed.Alerts } });
            last = Assert.Single(snapshot.Figures).Alert;
            states.Add((_server.Clock.GetUtcNow() - backAt, last.Active));
            _server.Advance(TimeSpan.FromMinutes(1));
        }

        // Raised until ten minutes under the limit (Alerts:ClearAfter), cleared from then on: one change.
        Assert.All(states, s => Assert.Equal(s.After < TimeSpan.FromMinutes(10), s.Active));
        Assert.Equal(1, states.Zip(states.Skip(1)).Count(p => p.First.Active != p.Second.Active));
        Assert.Equal(Timestamp.FromDateTimeOffset(raisedAt), last!.RaisedAt);
        Assert.Equal(Timestamp.FromDateTimeOffset(backAt + TimeSpan.FromMinutes(10)), last.ClearedAt);
        Assert.Equal(2, last.Value);
    }

    private static PublishBatchRequest Reports(int count, Action<int, OperationalEvent> kind)
    {
        var batch = new PublishBatchRequest();
        for (var i = 0; i < count; i++)
        {
            var e = new OperationalEvent { Source = "test-system", EventId = $"{Guid.NewGuid():N}", OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start.AddSeconds(i)) };
            kind(i, e);
            batch.Events.Add(e);
        }

        return batch;
    }

    private static Task<SubscribeResponse> Next(AsyncServerStreamingCall<SubscribeResponse> call) => call.NextAsync();
}
