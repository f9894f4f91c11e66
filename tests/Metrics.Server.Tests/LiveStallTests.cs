using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Live.Subscriptions;
using Metrics.Server.Limits;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Metrics.Server.Tests;

/// <summary>
/// Slow consumers: 100 subscribers that stop reading beside 100 that keep up. The ones keeping
/// up have every change as soon as it is published, the stalled ones are dropped after the stall timeout
/// (and not before), queues stay bounded, and when the rest go everything is released.
/// </summary>
public sealed class LiveStallTests(ITestOutputHelper output) : IDisposable
{
    private const int Stalled = 100;
    private const int Reading = 100;
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    private readonly MetricsServerFactory _server = new()
    {
        Settings =
        {
            ["Live:StallTimeout"] = "00:00:30",
            ["Limits:MaxSubscriptionsPerCaller"] = "500",
        },
    };

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task StalledSubscribersAreDroppedWhileLiveOnesKeepUpAndEverythingIsReleased()
    {
        var broadcast = _server.Services.GetRequiredService<LiveBroadcast>();
        var limits = _server.Services.GetRequiredService<CallerLimits>();
        var live = new LiveService.LiveServiceClient(_server.CreateChannel());
        var stalled = Enumerable.Range(0, Stalled).Select(_ => live.Subscribe(new SubscribeRequest())).ToList();
        var reading = Enumerable.Range(0, Reading).Select(_ => live.Subscribe(new SubscribeRequest())).ToList();
        foreach (var call in reading)
        {
            Assert.Equal(SubscribeResponse.BodyOneofCase.Snapshot, (await call.NextAsync()).BodyCase);
        }

        Assert.True(SpinWait.SpinUntil(() => broadcast.ActiveSubscriptions == Stalled + Reading, TimeSpan.FromSeconds(10)));
        var ingest = new IngestService.IngestServiceClient(_server.CreateChannel());
        var stallStarted = _server.Clock.GetUtcNow();

        // Every virtual second a change; every reader catches up with it before the next.
        var caughtUp = 0;
        var deepest = 0;
        var firstDrop = TimeSpan.Zero;
        var latencies = new List<double>();
        var seconds = 0;
        for (; seconds < 600 && broadcast.ActiveSubscriptions > Reading; seconds++)
        {
            await ingest.PublishBatchAsync(Change(seconds));
            var published = Stopwatch.GetTimestamp();
            _server.Advance(TimeSpan.FromSeconds(1));
            var latest = broadcast.Sequence;
            foreach (var call in reading)
            {
                await CatchUpAsync(call, latest);
                latencies.Add(Stopwatch.GetElapsedTime(published).TotalMilliseconds);
                caughtUp++;
            }

            deepest = Math.Max(deepest, broadcast.DeepestQueue);
            if (firstDrop == TimeSpan.Zero && broadcast.ActiveSubscriptions < Stalled + Reading)
            {
                firstDrop = _server.Clock.GetUtcNow() - stallStarted;
            }
        }

        var figures = (await live.GetSnapshotAsync(new GetSnapshotRequest())).Figures.Count;
        latencies.Sort();
        output.WriteLine($"{seconds} virtual seconds; first drop after {firstDrop.TotalSeconds} s; deepest queue {deepest} of {figures} figures; " +
            $"publish to last reader p50 {latencies[latencies.Count / 2]:0.0} ms, p99 {latencies[(int)(latencies.Count * 0.99)]:0.0} ms (real time, in process)");
        Assert.True(SpinWait.SpinUntil(() => broadcast.ActiveSubscriptions == Reading, TimeSpan.FromSeconds(10)), $"{broadcast.ActiveSubscriptions} subscriptions after the stall");
        Assert.Equal(seconds * Reading, caughtUp); // the readers were never held up by the stalled ones
        Assert.True(firstDrop >= StallTimeout, $"dropped after {firstDrop}, before the stall timeout");
        Assert.True(deepest <= figures, $"a queue held {deepest} figures: more than there are ({figures})");
        foreach (var call in stalled)
        {
            var dropped = await Assert.ThrowsAsync<RpcException>(() => Drain(call));

            // The write in flight is abandoned, so the stream is reset rather than closed with a
            // status: the client sees the stream end.
            Assert.Contains(dropped.StatusCode, new[] { StatusCode.ResourceExhausted, StatusCode.Unavailable, StatusCode.Cancelled });
        }

        // The readers go too: cancelled and disconnected calls release their subscriptions.
        foreach (var call in reading.Concat(stalled))
        {
            call.Dispose();
        }

        Assert.True(SpinWait.SpinUntil(() => broadcast.ActiveSubscriptions == 0 && limits.OpenSubscriptions == 0, TimeSpan.FromSeconds(10)),
            $"{broadcast.ActiveSubscriptions} subscriptions and {limits.OpenSubscriptions} counted for callers after every call ended");
    }

    /// <summary>Reads until the subscriber has the change numbered <paramref name="sequence"/> (or fails after 20 s).</summary>
    private static async Task CatchUpAsync(AsyncServerStreamingCall<SubscribeResponse> call, long sequence)
    {
        while ((await call.NextAsync()).Sequence < sequence)
        {
        }
    }

    private static async Task Drain(AsyncServerStreamingCall<SubscribeResponse> call)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await call.ResponseStream.MoveNext(guard.Token))
        {
        }
    }

    private PublishBatchRequest Change(int second) => new()
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
    };
}
