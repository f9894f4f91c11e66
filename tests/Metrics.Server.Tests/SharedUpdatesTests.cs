using System.Reactive.Subjects;
using Metrics.Domain.Operations;
using Metrics.Live.Subscriptions;
using Metrics.Live.Windows;
using Metrics.Server.Grpc.Live;
using Metrics.Server.Live;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Server.Tests;

/// <summary>
/// One update message per change and filter: walls that asked for the same figures share it; a
/// wall that asked for other figures, or that is behind, is never sent someone else's.
/// </summary>
public sealed class SharedUpdatesTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2019, 3, 12, 10, 0, 0, TimeSpan.Zero);
    private readonly LiveState _state = new(new LiveOptions());
    private readonly Subject<LiveSnapshot> _snapshots = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly LiveBroadcast _broadcast;
    private readonly SharedUpdates _shared = new();
    private int _events;

    public SharedUpdatesTests() => _broadcast = new LiveBroadcast(_snapshots, _state.Snapshot(Start));

    public void Dispose() => _broadcast.Dispose();

    [Fact]
    public async Task WallsAskingForTheSameAreasInAnyOrderShareOneUpdate()
    {
        using var first = await Subscribed(Incidents("shropshire", "telford-and-wrekin"));
        using var second = await Subscribed(Incidents("telford-and-wrekin", "shropshire"));

        Publish(Opened("shropshire"));
        var sent = await Sent(first);
        var alsoSent = await Sent(second);

        Assert.Same(sent, alsoSent);
        Assert.Equal(
            ["unresourced/force/emergency", "unresourced/shropshire/emergency"],
            sent.Update.Figures.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.Equal(1, sent.Update.Figures.Single(f => f.Key == "unresourced/shropshire/emergency").Unresourced.Count);
    }

    [Fact]
    public async Task AWallAskingForAnotherAreaGetsItsOwnFigures()
    {
        using var shropshire = await Subscribed(Incidents("shropshire"));
        using var herefordshire = await Subscribed(Incidents("herefordshire"));

        Publish(Opened("shropshire"), Opened("herefordshire"), Opened("herefordshire"));
        var toShropshire = await Sent(shropshire);
        var toHerefordshire = await Sent(herefordshire);

        Assert.NotSame(toShropshire, toHerefordshire);
        Assert.Equal(1, Count(toShropshire, "unresourced/shropshire/emergency"));
        Assert.DoesNotContain(toShropshire.Update.Figures, f => f.Key.Contains("herefordshire", StringComparison.Ordinal));
        Assert.Equal(2, Count(toHerefordshire, "unresourced/herefordshire/emergency"));
        Assert.Equal(3, Count(toHerefordshire, "unresourced/force/emergency"));
    }

    [Fact]
    public async Task AWallThatFellBehindIsSentItsMergedFiguresNotTheLatestShared()
    {
        using var keepingUp = await Subscribed(Incidents("shropshire"));
        using var behind = await Subscribed(Incidents("shropshire"));

        Publish(Opened("shropshire"));
        var first = await Sent(keepingUp);
        Publish(Opened("shropshire"));
        var second = await Sent(keepingUp);
        var merged = await Sent(behind);

        Assert.Equal(1, Count(first, "unresourced/shropshire/emergency"));
        Assert.Equal(2, Count(second, "unresourced/shropshire/emergency"));
        Assert.NotSame(second, merged);
        Assert.True(merged.Update.Conflated);
        Assert.False(second.Update.Conflated);
        Assert.Equal(second.Sequence, merged.Sequence);
        Assert.Equal(2, Count(merged, "unresourced/shropshire/emergency"));
    }

    [Fact]
    public async Task AnUpdateReadAfterALaterChangeWentOutIsBuiltForItsOwnChange()
    {
        using var late = await Subscribed(Incidents("shropshire"));
        using var prompt = await Subscribed(Incidents("shropshire"));

        Publish(Opened("shropshire"));
        var lateMessage = await Next(late);
        await Next(prompt);
        Publish(Opened("shropshire"));
        var latest = await Sent(prompt);
        var older = _shared.ToContract(lateMessage, late.Filter);

        Assert.Equal(latest.Sequence - 1, older.Sequence);
        Assert.Equal(1, Count(older, "unresourced/shropshire/emergency"));
        Assert.Equal(2, Count(latest, "unresourced/shropshire/emergency"));
    }

    private static SubscriberFilter Incidents(params string[] areas) =>
        new(new HashSet<LiveFeedKind> { LiveFeedKind.Incidents }, areas.ToHashSet(StringComparer.Ordinal));

    private static int Count(Contracts.V1.SubscribeResponse response, string key) =>
        response.Update.Figures.Single(f => f.Key == key).Unresourced.Count;

    /// <summary>What the server would write to this subscriber's stream next.</summary>
    private async Task<Contracts.V1.SubscribeResponse> Sent(LiveSubscription subscription) =>
        _shared.ToContract(await Next(subscription), subscription.Filter);

    private async Task<LiveSubscription> Subscribed(SubscriberFilter filter)
    {
        var subscription = _broadcast.Subscribe(filter, resume: null);
        Assert.Equal(LiveMessageKind.Snapshot, (await Next(subscription)).Kind);
        return subscription;
    }

    private IncidentOpened Opened(string area)
    {
        var n = ++_events;
        return new IncidentOpened("test-system", $"e{n}", Start, $"i{n}", area, IncidentGrade.Emergency);
    }

    private void Publish(params OperationalEvent[] events)
    {
        foreach (var e in events)
        {
            _state.Apply(e, late: false);
        }

        _snapshots.OnNext(_state.Snapshot(Start.AddSeconds(_events)));
    }

    private async Task<LiveMessage> Next(LiveSubscription subscription) =>
        await subscription.NextAsync(TimeSpan.FromSeconds(5), _time, default).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
}
