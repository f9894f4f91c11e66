using System.Reactive.Subjects;
using Metrics.Domain.Operations;
using Metrics.Live.Subscriptions;
using Metrics.Live.Windows;
using Microsoft.Extensions.Time.Testing;
using static Metrics.Live.Tests.Events;

namespace Metrics.Live.Tests;

/// <summary>Subscriptions: snapshot first, numbered updates, resume, conflation, heartbeats; all on virtual time.</summary>
public sealed class LiveBroadcastTests : IDisposable
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);
    private readonly LiveState _state = new(new LiveOptions());
    private readonly Subject<LiveSnapshot> _snapshots = new();
    private readonly FakeTimeProvider _time = new(At("2019-03-12T10:00:00Z"));
    private readonly LiveBroadcast _broadcast;
    private DateTimeOffset _clock = At("2019-03-12T10:00:00Z");

    public LiveBroadcastTests() => _broadcast = new LiveBroadcast(_snapshots, _state.Snapshot(_clock), replayCapacity: 3);

    public void Dispose() => _broadcast.Dispose();

    [Fact]
    public async Task ASubscriberGetsASnapshotThenOnlyWhatChanged()
    {
        using var subscription = _broadcast.Subscribe(SubscriberFilter.Everything, resume: null);

        var snapshot = await Next(subscription);
        Publish(Offered("2019-03-12T10:00:00Z", "c1"));
        var update = await Next(subscription);

        Assert.Equal(LiveMessageKind.Snapshot, snapshot.Kind);
        Assert.Contains(snapshot.Figures, f => f.Key == "calls/999/rolling_hour");
        Assert.Equal(LiveMessageKind.Update, update.Kind);
        Assert.Equal(1, update.Sequence);
        var waiting = Assert.Single(update.Figures, f => f.Key == "calls/999/waiting");
        Assert.Equal(new CallsWaiting(CallLine.Emergency999, 1), waiting.Value);
        Assert.DoesNotContain(update.Figures, f => f.Key.StartsWith("calls/101", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFilterKeepsToTheFeedsAndAreasAskedFor()
    {
        var filter = new SubscriberFilter(new HashSet<LiveFeedKind> { LiveFeedKind.Incidents }, new HashSet<string> { "shropshire" });
        using var subscription = _broadcast.Subscribe(filter, resume: null);
        await Next(subscription);

        Publish(Opened("2019-03-12T10:00:00Z", "i1", "shropshire"), Opened("2019-03-12T10:00:00Z", "i2", "herefordshire"), Offered("2019-03-12T10:00:00Z", "c1"));
        var update = await Next(subscription);

        Assert.Equal(
            ["unresourced/force/emergency", "unresourced/shropshire/emergency"],
            update.Figures.Select(f => f.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AReconnectWithTheLastSequenceGetsWhatItMissed()
    {
        long last;
        using (var first = _broadcast.Subscribe(SubscriberFilter.Everything, resume: null))
        {
            await Next(first);
            Publish(Offered("2019-03-12T10:00:00Z", "c1"));
            last = (await Next(first)).Sequence;
        }

        Publish(Offered("2019-03-12T10:00:10Z", "c2"));
        Publish(Offered("2019-03-12T10:00:20Z", "c3"));
        using var resumed = _broadcast.Subscribe(SubscriberFilter.Everything, resume: new ResumePoint(last, SubscriberFilter.Everything.Fingerprint));

        var missed = new[] { await Next(resumed), await Next(resumed) };

        Assert.All(missed, m => Assert.True(m.Resumed));
        Assert.Equal([last + 1, last + 2], missed.Select(m => m.Sequence));
        Assert.Equal(new CallsWaiting(CallLine.Emergency999, 3), missed[1].Figures.Single(f => f.Key == "calls/999/waiting").Value);
    }

    [Fact]
    public async Task AReconnectFromBeforeTheFirstChangeGetsEveryChangeSince()
    {
        long start;
        using (var first = _broadcast.Subscribe(SubscriberFilter.Everything, resume: null))
        {
            start = (await Next(first)).Sequence;
        }

        Publish(Offered("2019-03-12T10:00:10Z", "c1"));
        Publish(Offered("2019-03-12T10:00:20Z", "c2"));
        using var resumed = _broadcast.Subscribe(SubscriberFilter.Everything, resume: new ResumePoint(start, SubscriberFilter.Everything.Fingerprint));

        var missed = new[] { await Next(resumed), await Next(resumed) };

        Assert.All(missed, m => Assert.True(m.Resumed));
        Assert.Equal([start + 1, start + 2], missed.Select(m => m.Sequence));
    }

    [Fact]
    public async Task NumberedFromALogEachChangeTakesItsEntrysPositionAndOnlyThoseAreResumedFrom()
    {
        long position = 40;
        using var broadcast = new LiveBroadcast(_snapshots, _state.Snapshot(_clock), replayCapacity: 3, LiveBroadcast.FirstLogSequence(position), _time, LiveBroadcast.LogNumbering(() => position));
        using var first = broadcast.Subscribe(SubscriberFilter.Everything, resume: null);
        await Next(first);
        position = 41;
        Publish(Offered("2019-03-12T10:00:00Z", "c1"));
        var change = await Next(first);
        position = 45;
        Publish(Offered("2019-03-12T10:00:10Z", "c2"));

        // Another replica's number for the same change resumes here; a number no change had, or the start, does not.
        using var resumed = broadcast.Subscribe(SubscriberFilter.Everything, new ResumePoint(41 * 4, SubscriberFilter.Everything.Fingerprint));
        using var between = broadcast.Subscribe(SubscriberFilter.Everything, new ResumePoint((41 * 4) + 1, SubscriberFilter.Everything.Fingerprint));
        var next = await Next(resumed);
        var refused = await Next(between);

        Assert.Equal(41 * 4, change.Sequence);
        Assert.Equal((LiveMessageKind.Update, true, 45L * 4), (next.Kind, next.Resumed, next.Sequence));
        Assert.Equal((LiveMessageKind.Snapshot, ResumeMiss.ChangesNotKept), (refused.Kind, refused.ResumeMissed));
    }

    [Fact]
    public async Task AReconnectAskingForAnotherAreaGetsASnapshotWithItsFiguresThatSaysTheFilterChanged()
    {
        // The changes missed were chosen for Shropshire alone: replayed through the new filter
        // they would never bring Herefordshire's figures as they stand.
        var shropshire = new SubscriberFilter(new HashSet<LiveFeedKind> { LiveFeedKind.Incidents }, new HashSet<string> { "shropshire" });
        var both = new SubscriberFilter(new HashSet<LiveFeedKind> { LiveFeedKind.Incidents }, new HashSet<string> { "herefordshire", "shropshire" });
        Publish(Opened("2019-03-12T10:00:00Z", "i1", "herefordshire"));
        LiveMessage last;
        using (var first = _broadcast.Subscribe(shropshire, resume: null))
        {
            await Next(first);
            Publish(Opened("2019-03-12T10:00:05Z", "i2", "shropshire"));
            last = await Next(first);
        }

        using var sameFilter = _broadcast.Subscribe(new SubscriberFilter(new HashSet<LiveFeedKind> { LiveFeedKind.Incidents }, new HashSet<string> { "shropshire" }), new ResumePoint(last.Sequence, last.FilterFingerprint));
        using var widened = _broadcast.Subscribe(both, new ResumePoint(last.Sequence, last.FilterFingerprint));
        var resumed = await Next(sameFilter);
        var snapshot = await Next(widened);

        Assert.Equal((LiveMessageKind.Update, true), (resumed.Kind, resumed.Resumed));
        Assert.Equal((LiveMessageKind.Snapshot, ResumeMiss.FilterChanged), (snapshot.Kind, snapshot.ResumeMissed));
        Assert.Equal(1, ((UnresourcedFigures)snapshot.Figures.Single(f => f.Key == "unresourced/herefordshire/emergency").Value).Count);
        Assert.Equal(both.Fingerprint, snapshot.FilterFingerprint);
        Assert.NotEqual(shropshire.Fingerprint, both.Fingerprint);
    }

    [Fact]
    public async Task AFigureThatLeavesIsAnnouncedLiveOnResumeAndNotWhenItCameBackBeforeItWasSent()
    {
        // An alert forgotten a day after it cleared leaves the figures: a wall connected all along
        // must drop it, as a fresh one would not have it.
        var alert = new Metrics.Live.Alerts.Alert(Metrics.Live.Alerts.AlertKind.OutstandingIntelligenceHigh, "", "", "4 outstanding", 4, 3, false, _clock, _clock);
        _snapshots.OnNext(_state.Snapshot(_clock) with { Alerts = [alert] });
        using var live = _broadcast.Subscribe(SubscriberFilter.Everything, resume: null);
        using var slow = _broadcast.Subscribe(SubscriberFilter.Everything, resume: null);
        var snapshot = await Next(live);
        await Next(slow);
        var key = Assert.Single(snapshot.Figures, f => f.Feed == LiveFeedKind.Alerts).Key;
        var before = snapshot.Sequence;

        _snapshots.OnNext(_state.Snapshot(_clock));
        var removal = await Next(live);
        using var resumed = _broadcast.Subscribe(SubscriberFilter.Everything, new ResumePoint(before, SubscriberFilter.Everything.Fingerprint));
        var missed = await Next(resumed);
        _snapshots.OnNext(_state.Snapshot(_clock) with { Alerts = [alert] }); // back before the slow reader read the removal
        var merged = await Next(slow);

        Assert.Equal([key], removal.RemovedKeys);
        Assert.Empty(removal.Figures);
        Assert.Equal([key], missed.RemovedKeys);
        Assert.True(missed.Resumed);
        Assert.Empty(merged.RemovedKeys);
        Assert.Equal(key, Assert.Single(merged.Figures).Key);
    }

    [Fact]
    public async Task AReconnectTooLateForTheBufferGetsAFreshSnapshotThatSaysSo()
    {
        for (var i = 0; i < 5; i++)
        {
            Publish(Offered($"2019-03-12T10:00:{i:D2}Z", $"c{i}"));
        }

        using var subscription = _broadcast.Subscribe(SubscriberFilter.Everything, resume: new ResumePoint(1, SubscriberFilter.Everything.Fingerprint));
        var message = await Next(subscription);

        Assert.Equal(LiveMessageKind.Snapshot, message.Kind);
        Assert.Equal(ResumeMiss.ChangesNotKept, message.ResumeMissed);
        Assert.Equal(5, message.Sequence);
    }

    [Fact]
    public async Task AReconnectToARestartedServerWithTheOldServersSequenceGetsASnapshotThatSaysSo()
    {
        var started = At("2019-03-12T09:00:00Z");
        long last;
        using (var before = new LiveBroadcast(_snapshots, _state.Snapshot(_clock), replayCapacity: 3, LiveBroadcast.FirstSequenceAt(started)))
        using (var first = before.Subscribe(SubscriberFilter.Everything, resume: null))
        {
            await Next(first);
            Publish(Offered("2019-03-12T10:00:00Z", "c1"));
            last = (await Next(first)).Sequence;
        }

        // The restarted server has made two changes of its own: numbered from 0 in each process,
        // the old number would be "one behind" and the subscriber would get the second alone.
        using var after = new LiveBroadcast(_snapshots, _state.Snapshot(_clock), replayCapacity: 3, LiveBroadcast.FirstSequenceAt(started.AddMinutes(1)));
        Publish(Offered("2019-03-12T10:00:10Z", "c2"));
        Publish(Offered("2019-03-12T10:00:20Z", "c3"));
        using var resumed = after.Subscribe(SubscriberFilter.Everything, resume: new ResumePoint(last, SubscriberFilter.Everything.Fingerprint));
        var message = await Next(resumed);

        Assert.Equal(LiveBroadcast.FirstSequenceAt(started) + 1, last);
        Assert.Equal(LiveMessageKind.Snapshot, message.Kind);
        Assert.Equal(ResumeMiss.ChangesNotKept, message.ResumeMissed);
        Assert.Equal(LiveBroadcast.FirstSequenceAt(started.AddMinutes(1)) + 2, message.Sequence);
        Assert.Equal(new CallsWaiting(CallLine.Emergency999, 3), message.Figures.Single(f => f.Key == "calls/999/waiting").Value);
    }

    [Fact]
    public async Task AnUnresourcedIncidentAgeingChangesItsFigureOnceAMinuteNotEveryTick()
    {
        Publish(Opened("2019-03-12T10:00:00Z", "i1", "shropshire"));
        var opened = _broadcast.Sequence;
        using var subscription = _broadcast.Subscribe(SubscriberFilter.Everything, resume: null);
        await Next(subscription);

        for (var tick = 0; tick < 58; tick++)
        {
            Publish(); // 10:00:02 ... 10:00:59: the oldest is still under a minute old
        }

        var quiet = _broadcast.Sequence;
        Publish(); // 10:01:00
        var update = await Next(subscription);

        Assert.Equal(opened, quiet);
        Assert.Equal(LiveMessageKind.Update, update.Kind);
        Assert.Equal(opened + 1, update.Sequence);
        var ageing = update.Figures.Single(f => f.Key == "unresourced/shropshire/emergency");
        Assert.Equal(TimeSpan.FromMinutes(1), ((UnresourcedFigures)ageing.Value).OldestAge);
    }

    [Fact]
    public async Task ASlowSubscriberGetsTheLatestOfEachFigureMergedAndFlagged()
    {
        using var slow = _broadcast.Subscribe(SubscriberFilter.Everything, resume: null);
        await Next(slow);

        for (var i = 0; i < 5; i++)
        {
            Publish(Offered($"2019-03-12T10:00:{i:D2}Z", $"c{i}"));
        }

        var merged = await Next(slow);

        Assert.True(merged.Conflated);
        Assert.Equal(5, merged.Sequence);
        Assert.Equal(new CallsWaiting(CallLine.Emergency999, 5), merged.Figures.Single(f => f.Key == "calls/999/waiting").Value);
        Assert.Equal(4, slow.ConflatedChanges);
    }

    [Fact]
    public async Task NothingChangingGivesAHeartbeatAtTheLatestSequence()
    {
        using var subscription = _broadcast.Subscribe(SubscriberFilter.Everything, resume: null);
        await Next(subscription);
        Publish(Offered("2019-03-12T10:00:00Z", "c1"));
        await Next(subscription);

        var waiting = subscription.NextAsync(Heartbeat, _time, default).AsTask();
        Assert.False(waiting.IsCompleted);
        _time.Advance(Heartbeat);
        var heartbeat = await waiting;

        Assert.Equal(LiveMessageKind.Heartbeat, heartbeat.Kind);
        Assert.Equal(1, heartbeat.Sequence);
    }

    [Fact]
    public async Task ALateEventWithinTheLatenessCorrectsTheIntervalJustEnded()
    {
        _clock = At("2019-03-12T10:14:00Z");
        using var subscription = _broadcast.Subscribe(SubscriberFilter.Everything, resume: null);
        await Next(subscription);
        Publish(Answered("2019-03-12T10:14:30Z", "c1", 4));
        await Next(subscription);
        _clock = At("2019-03-12T10:15:20Z");
        Publish(Answered("2019-03-12T10:15:20Z", "c2", 4));
        var moved = await Next(subscription);

        Publish(Answered("2019-03-12T10:14:50Z", "c0", 4)); // 31 s behind, inside the 2 minutes
        var corrected = await Next(subscription);

        Assert.False(moved.Figures.Single(f => f.Key == "calls/999/previous_interval").Correction, "a new interval is not a correction");
        var previous = corrected.Figures.Single(f => f.Key == "calls/999/previous_interval");
        Assert.True(previous.Correction);
        Assert.Equal(2, ((CallLineWindow)previous.Value).Window.Counts.Answered);
        Assert.False(corrected.Figures.Single(f => f.Key == "calls/999/today").Correction);
    }

    [Fact]
    public void DisposingASubscriptionReleasesIt()
    {
        var subscriptions = Enumerable.Range(0, 10).Select(_ => _broadcast.Subscribe(SubscriberFilter.Everything, null)).ToList();
        Assert.Equal(10, _broadcast.ActiveSubscriptions);

        subscriptions.ForEach(s => s.Dispose());

        Assert.Equal(0, _broadcast.ActiveSubscriptions);
    }

    [Fact]
    public async Task AnIntervalThatOnlyBecomesFinalIsNoCorrection()
    {
        // Issue 16: two minutes after every boundary the interval before was sent again with the
        // same counts, final, and marked as a correction (329 times in two days).
        _clock = At("2019-03-12T10:14:00Z");
        using var subscription = _broadcast.Subscribe(SubscriberFilter.Everything, resume: null);
        await Next(subscription);
        Publish(Answered("2019-03-12T10:14:30Z", "c1", 4));
        await Next(subscription);
        _clock = At("2019-03-12T10:15:20Z");
        Publish(Answered("2019-03-12T10:15:20Z", "c2", 4));
        await Next(subscription);

        _clock = At("2019-03-12T10:17:30Z"); // the watermark passes 10:15: the interval is final
        Publish();
        var final = (await Next(subscription)).Figures.Single(f => f.Key == "calls/999/previous_interval");

        Assert.True(((CallLineWindow)final.Value).Window.Final);
        Assert.Equal(1, ((CallLineWindow)final.Value).Window.Counts.Answered);
        Assert.False(final.Correction, "becoming final changed no figure");
    }

    private void Publish(params OperationalEvent[] events)
    {
        foreach (var e in events)
        {
            _state.Apply(e, late: false);
        }

        _clock = _clock.AddSeconds(1);
        _snapshots.OnNext(_state.Snapshot(_clock));
    }

    private async Task<LiveMessage> Next(LiveSubscription subscription) =>
        await subscription.NextAsync(Heartbeat, _time, default).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
}
