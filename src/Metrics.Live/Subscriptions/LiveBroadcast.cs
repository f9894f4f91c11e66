using Metrics.Live.Windows;

namespace Metrics.Live.Subscriptions;

/// <summary>
/// The figures that changed in one tick, under the next sequence number, and those that left
/// (an alert cleared and forgotten): a display drops them.
/// </summary>
public sealed record LiveChange(long Sequence, DateTimeOffset AsOf, DateTimeOffset Watermark, IReadOnlyList<LiveFigure> Figures)
{
    /// <summary>Figures that were there before this change and are not now, as they last were (their feed and area say who wanted them).</summary>
    public IReadOnlyList<LiveFigure> Removed { get; init; } = [];

    /// <summary>When it was broadcast (<see cref="TimeProvider.GetTimestamp"/>), to measure how long it took to reach each subscriber.</summary>
    public long PublishedAt { get; init; }
}

/// <summary>
/// Turns the pipeline's snapshots into numbered changes and hands each subscriber the ones it
/// wants. Keeps the last changes (a bounded buffer) so a subscriber that reconnects with its
/// last sequence number gets what it missed. A subscriber never slows the pipeline or another
/// subscriber: delivering is merging into the subscriber's own pending figures.
/// </summary>
public sealed class LiveBroadcast : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<LiveChange> _recent = new();
    private readonly HashSet<LiveSubscription> _subscribers = [];
    private readonly int _replayCapacity;
    private readonly IDisposable _source;
    private readonly long _firstSequence;
    private readonly TimeProvider _time;
    private IReadOnlyDictionary<string, LiveFigure> _current = new Dictionary<string, LiveFigure>();
    private LiveChange _latest;
    private long _conflatedByEnded;

    /// <param name="firstSequence">
    /// Where this broadcast's numbering starts: a server passes <see cref="FirstSequenceAt"/> so
    /// that a number from another process is never mistaken for one of its own.
    /// </param>
    public LiveBroadcast(IObservable<LiveSnapshot> snapshots, LiveSnapshot initial, int replayCapacity = 1024, long firstSequence = 0, TimeProvider? time = null)
    {
        _replayCapacity = replayCapacity;
        _firstSequence = firstSequence;
        _time = time ?? TimeProvider.System;
        _current = LiveFigures.From(initial);
        _latest = new LiveChange(firstSequence, initial.AsOf, initial.Watermark, []);
        _source = snapshots.Subscribe(Publish);
    }

    /// <summary>
    /// The first sequence number of a process started at <paramref name="started"/>: a thousand
    /// numbers for each millisecond since 1970. A restarted server numbers from far above anything
    /// its predecessor gave out (it changes at most a few times a second), so a subscriber that
    /// reconnects with its predecessor's number gets a snapshot that says the resume was missed,
    /// never "missed changes" from another process's numbering.
    /// </summary>
    public static long FirstSequenceAt(DateTimeOffset started) => started.ToUnixTimeMilliseconds() * 1000;

    /// <summary>Changes broadcast since this broadcast began (its numbering starts where the process's does).</summary>
    public long ChangesPublished
    {
        get
        {
            lock (_gate)
            {
                return _latest.Sequence - _firstSequence;
            }
        }
    }

    /// <summary>The latest sequence number given out.</summary>
    public long Sequence
    {
        get
        {
            lock (_gate)
            {
                return _latest.Sequence;
            }
        }
    }

    public int ActiveSubscriptions
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>
    /// Starts a subscription. Resumed with the same filter from a change still in the buffer, it
    /// starts with the changes after it; otherwise with a snapshot of everything it asked for,
    /// which says whether a resume was asked for and why it could not be served (the changes are
    /// no longer kept, or the filter is not the one the resume point was given for: its changes
    /// would leave out the figures the new filter adds).
    /// </summary>
    public LiveSubscription Subscribe(SubscriberFilter filter, ResumePoint? resume)
    {
        lock (_gate)
        {
            var subscription = new LiveSubscription(this, filter, _latest);
            var oldest = _recent.Count > 0 ? _recent.Peek().Sequence : _latest.Sequence + 1;
            var missed = resume switch
            {
                null => ResumeMiss.None,
                { FilterFingerprint: var asked } when asked != filter.Fingerprint => ResumeMiss.FilterChanged,
                { Sequence: var after } when after > _latest.Sequence || after < oldest - 1 => ResumeMiss.ChangesNotKept,
                _ => ResumeMiss.None,
            };
            if (resume is { } point && missed == ResumeMiss.None)
            {
                subscription.StartWithMissed([.. _recent.Where(c => c.Sequence > point.Sequence)]);
            }
            else
            {
                subscription.StartWithSnapshot([.. _current.Values], missed);
            }

            _subscribers.Add(subscription);
            return subscription;
        }
    }

    public void Dispose() => _source.Dispose();

    internal void Remove(LiveSubscription subscription)
    {
        lock (_gate)
        {
            if (_subscribers.Remove(subscription))
            {
                _conflatedByEnded += subscription.ConflatedChanges;
            }
        }
    }

    private void Publish(LiveSnapshot snapshot)
    {
        var figures = LiveFigures.From(snapshot);
        lock (_gate)
        {
            var changed = figures.Values
                .Where(f => !_current.TryGetValue(f.Key, out var before) || !Equals(before.Value, f.Value))
                .Select(f => IsCorrection(f) ? f with { Correction = true } : f)
                .ToList();
            List<LiveFigure> removed = [.. _current.Values.Where(f => !figures.ContainsKey(f.Key))];
            _current = figures;
            if (changed.Count == 0 && removed.Count == 0)
            {
                _latest = _latest with { AsOf = snapshot.AsOf, Watermark = snapshot.Watermark };
                return;
            }

            _latest = new LiveChange(_latest.Sequence + 1, snapshot.AsOf, snapshot.Watermark, changed) { Removed = removed, PublishedAt = _time.GetTimestamp() };
            _recent.Enqueue(_latest);
            while (_recent.Count > _replayCapacity)
            {
                _recent.Dequeue();
            }

            foreach (var subscriber in _subscribers)
            {
                subscriber.Deliver(_latest);
            }
        }
    }

    /// <summary>Changes merged for subscribers that were behind, over the broadcast's life (ended subscriptions included).</summary>
    public long ConflatedChanges
    {
        get
        {
            lock (_gate)
            {
                return _conflatedByEnded + _subscribers.Sum(s => s.ConflatedChanges);
            }
        }
    }

    /// <summary>The most figures any one subscriber has waiting to be sent: how far behind the slowest is.</summary>
    public int DeepestQueue
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count == 0 ? 0 : _subscribers.Max(s => s.Pending);
            }
        }
    }

    /// <summary>
    /// An ended window whose counts changed while it kept its start: an event within the lateness
    /// corrected a figure already shown. An ended window that only becomes final is no correction.
    /// </summary>
    private bool IsCorrection(LiveFigure figure) =>
        figure.Value is CallLineWindow { Window.Kind: WindowKind.PreviousInterval } now &&
        _current.TryGetValue(figure.Key, out var before) &&
        before.Value is CallLineWindow was &&
        was.Window.Start == now.Window.Start &&
        was.Window.Counts != now.Window.Counts;

    /// <summary>The latest change (sequence and event time) and every figure the filter wants, now.</summary>
    public (LiveChange Latest, IReadOnlyList<LiveFigure> Figures) Current(SubscriberFilter filter)
    {
        lock (_gate)
        {
            return (_latest, [.. _current.Values.Where(filter.Wants)]);
        }
    }

    /// <summary>The latest sequence and event time, for heartbeats.</summary>
    internal LiveChange Latest()
    {
        lock (_gate)
        {
            return _latest;
        }
    }
}

/// <summary>Where a subscriber asks to resume: after this change, with the filter it had then (<see cref="SubscriberFilter.Fingerprint"/>).</summary>
public sealed record ResumePoint(long Sequence, string FilterFingerprint);

/// <summary>Why a resume was not served with the changes missed.</summary>
public enum ResumeMiss
{
    /// <summary>Served (or none asked for).</summary>
    None = 0,

    /// <summary>The changes after the resume point are no longer kept (or were another process's).</summary>
    ChangesNotKept = 1,

    /// <summary>The resume point was given for another filter.</summary>
    FilterChanged = 2,
}
