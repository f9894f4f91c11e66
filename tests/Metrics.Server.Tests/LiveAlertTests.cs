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
            EventId = $"intel{i}",
            OccurredAt = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start.AddSeconds(i)),
            IntelligenceSubmitted = new IntelligenceSubmitted { ReportId = $"r{i}" },
        }));
        await new IngestService.IngestServiceClient(_server.CreateChannel()).PublishBatchAsync(batch);
        _server.Advance(TimeSpan.FromSeconds(1));
        var raised = await Next(subscription);
        _server.Advance(TimeSpan.FromSeconds(5));
        var quiet = await Next(subscription);

        var alert = Assert.Single(raised.Update.Figures).Alert;
        Assert.Equal((AlertKind.OutstandingIntelligenceHigh, true), (alert.Kind, alert.Active));
        Assert.Equal("4 intelligence reports outstanding, above the limit of 3", alert.Message);
        Assert.NotNull(quiet.Heartbeat);
    }

    private static Task<SubscribeResponse> Next(AsyncServerStreamingCall<SubscribeResponse> call) => call.NextAsync();
}
