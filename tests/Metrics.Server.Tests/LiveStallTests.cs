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
[Collection(nameof(LoadTests))]
public sealed class LiveStallTests(ITestOutputHelper output) : IDisposable
{
    private const int Stalled = 100;
    private const int Reading = 100;
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The figure each second's incident changes.</summary>
    private const string Watched = "unresourced/shropshire/priority";

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
        var shown = new List<List<int>>();
        var before = new HashSet<int>();
        foreach (var call in reading)
        {
            var snapshot = await call.NextAsync();
            Assert.Equal(SubscribeResponse.BodyOneofCase.Snapshot, snapshot.BodyCase);
            before.Add(snapshot.Snapshot.Figures.SingleOrDefault(f => f.Key == Watched)?.Unresourced.Count ?? 0);
            shown.Add([]);
        }

        Assert.True(SpinWait.SpinUntil(() => broadcast.ActiveSubscriptions == Stalled + Reading, TimeSpan.FromSeconds(10)));
        var ingest = new IngestService.IngestServiceClient(_server.CreateChannel());
        var stallStarted = _server.Clock.GetUtcNow();

        // Every virtual second a change; every reader catches up with it before the next.
        var (conflated, updates) = (0, 0);
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
            for (var r = 0; r < Reading; r++)
            {
                var (merged, read) = await CatchUpAsync(reading[r], latest, shown[r]);
                (conflated, updates) = (conflated + merged, updates + read);
                latencies.Add(Stopwatch.GetElapsedTime(published).TotalMilliseconds);
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
            $"publish to last reader p50 {latencies[latencies.Count / 2]:0.0} ms, p99 {latencies[(int)(latencies.Count * 0.99)]:0.0} ms (real time, in process); " +
            $"{conflated} of {updates} updates to readers conflated");
        Assert.True(SpinWait.SpinUntil(() => broadcast.ActiveSubscriptions == Reading, TimeSpan.FromSeconds(10)), $"{broadcast.ActiveSubscriptions} subscriptions after the stall");
        // The readers were never held up by the stalled ones nor fell behind: each saw Shropshire's
        // priority incidents go up by one every second, every value, each second's change well
        // before the stall timeout. A second's two changes that arrive while the one before is
        // being written go out merged (conflated, by design); merging across seconds would skip a value.
        Assert.All(shown, counts => Assert.Equal(Enumerable.Range(before.Single() + 1, seconds), counts.Where((c, i) => i == 0 || c != counts[i - 1])));
        Assert.True(conflated < updates / 10, $"{conflated} of {updates} updates to readers were conflated");
        Assert.True(latencies.Max() < StallTimeout.TotalMilliseconds / 3, $"a reader waited {latencies.Max():0} ms for a change");
        Assert.True(firstDrop >= StallTimeout, $"dropped after {firstDrop}, before the stall timeout");
        Assert.True(deepest <= figures, $"a queue held {deepest} figures: more than there are ({figures})");
        foreach (var call in stalled)
        {
            var dropped = await Assert.ThrowsAsync<RpcException>(() => Drain(call));

            // The write in flight is abandoned, so the stream is reset rather than closed with a
            // status: the client sees the stream end.
            Assert.Contains(dropped.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Cancelled });
        }

        // The readers go too: cancelled and disconnected calls release their subscriptions.
        foreach (var call in reading.Concat(stalled))
        {
            call.Dispose();
        }

        Assert.True(SpinWait.SpinUntil(() => broadcast.ActiveSubscriptions == 0 && limits.OpenSubscriptions == 0, TimeSpan.FromSeconds(10)),
            $"{broadcast.ActiveSubscriptions} subscriptions and {limits.OpenSubscriptions} counted for callers after every call ended");
    }

    /// <summary>
    /// Reads until the subscriber has the change numbered <paramref name="sequence"/> (or fails
    /// after 20 s), noting the watched figure's counts as shown; returns how many updates it read, and how many were conflated.
    /// </summary>
    private static async Task<(int Conflated, int Read)> CatchUpAsync(AsyncServerStreamingCall<SubscribeResponse> call, long sequence, List<int> shown)
    {
        var (conflated, read) = (0, 0);
        SubscribeResponse response;
        do
        {
            response = await call.NextAsync();
            read++;
            conflated += response.Update?.Conflated == true ? 1 : 0;
            shown.AddRange(response.Update?.Figures.Where(f => f.Key == Watched).Select(f => f.Unresourced.Count) ?? []);
        }
        while (response.Sequence < sequence);
        return (conflated, read);
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
                Source = "test-system",
                EventId = $"stall{second}",
                OccurredAt = Timestamp.FromDateTimeOffset(_server.Clock.GetUtcNow()),
                IncidentOpened = new IncidentOpened { IncidentId = $"i{second}", AreaCode = "shropshire", Grade = IncidentGrade.Priority },
            },
            new OperationalEvent
            {
                Source = "test-system",
                EventId = $"call{second}",
                OccurredAt = Timestamp.FromDateTimeOffset(_server.Clock.GetUtcNow()),
                CallOffered = new CallOffered { CallId = $"c{second}", Line = CallLine._101 },
            },
        },
    };
}
