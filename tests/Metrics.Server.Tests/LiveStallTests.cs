using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Live.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Server.Tests;

/// <summary>A subscriber that stops reading is dropped after the stall timeout; the others are not held up.</summary>
public sealed class LiveStallTests : IDisposable
{
    private readonly MetricsServerFactory _server = new() { Settings = { ["Live:StallTimeout"] = "00:00:30" } };

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task AStalledSubscriberIsDroppedAndALiveOneKeepsReceiving()
    {
        var broadcast = _server.Services.GetRequiredService<LiveBroadcast>();
        var live = new LiveService.LiveServiceClient(_server.CreateChannel());
        using var stalled = live.Subscribe(new SubscribeRequest());
        using var reading = live.Subscribe(new SubscribeRequest { Feeds = { LiveFeed.Calls } });
        Assert.True(SpinWait.SpinUntil(() => broadcast.ActiveSubscriptions == 2, TimeSpan.FromSeconds(10)));
        var ingest = new IngestService.IngestServiceClient(_server.CreateChannel());

        // Every second a change for both, until the stalled one's stream stops taking messages.
        var received = 0;
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        for (var second = 0; second < 600 && broadcast.ActiveSubscriptions == 2; second++)
        {
            await ingest.PublishBatchAsync(new PublishBatchRequest
            {
                Events =
                {
                    new OperationalEvent
                    {
                        EventId = $"stall{second}",
                        OccurredAt = Timestamp.FromDateTimeOffset(_server.Clock.GetUtcNow()),
                        IncidentOpened = new IncidentOpened { IncidentId = $"i{second}", AreaCode = "shropshire", Grade = IncidentGrade.Priority },
                    },
                    new OperationalEvent
                    {
                        EventId = $"call{second}",
                        OccurredAt = Timestamp.FromDateTimeOffset(_server.Clock.GetUtcNow()),
                        CallOffered = new CallOffered { CallId = $"c{second}", Line = CallLine._101 },
                    },
                },
            });
            _server.Advance(TimeSpan.FromSeconds(1));
            while (await reading.ResponseStream.MoveNext(guard.Token))
            {
                received++;
                if (reading.ResponseStream.Current.Update is not null)
                {
                    break;
                }
            }
        }

        Assert.True(SpinWait.SpinUntil(() => broadcast.ActiveSubscriptions == 1, TimeSpan.FromSeconds(10)), $"{broadcast.ActiveSubscriptions} subscriptions after the stall");
        Assert.True(received > 30, $"the reading subscriber kept receiving ({received} messages)");
        var dropped = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await stalled.ResponseStream.MoveNext(guard.Token))
            {
            }
        });

        // The write in flight is abandoned, so the stream is reset rather than closed with a
        // status: the client sees the connection to it end.
        Assert.Contains(dropped.StatusCode, new[] { StatusCode.ResourceExhausted, StatusCode.Unavailable, StatusCode.Cancelled });
    }
}
