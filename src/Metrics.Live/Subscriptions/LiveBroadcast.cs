using Metrics.Live.Windows;

namespace Metrics.Live.Subscriptions;

/// <summary>The figures that changed in one tick, under the next sequence number.</summary>
public sealed record LiveChange(long Sequence, DateTimeOffset AsOf, DateTimeOffset Watermark, IReadOnlyList<LiveFigure> Figures)
{
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
    /// Starts a subscription. With <paramref name="resumeAfter"/> still in the buffer, it
    /// starts with the changes after it; otherwise with a snapshot of everything it asked for,
    /// which says whether a resume was asked for and could not be served.
    /// </summary>
    public LiveSubscription Subscribe(SubscriberFilter filter, long? resumeAfter)
    {
        lock (_gate)
        {
            var subscription = new LiveSubscription(this, filter, _latest);
            var oldest = _recent.Count > 0 ? _recent.Peek().Sequence : _latest.Sequence + 1;
            if (resumeAfter is { } after && after <= _latest.Sequence && after >= oldest - 1)
            {
                subscription.StartWithMissed([.. _recent.Where(c => c.Sequence > after)]);
            }
            else
            {
                subscription.StartWithSnapshot([.. _current.Values], resumeMissed: resumeAfter.HasValue);
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
            _current = figures;
            if (changed.Count == 0)
            {
                _latest = _latest with { AsOf = snapshot.AsOf, Watermark = snapshot.Watermark };
                return;
            }

            _latest = new LiveChange(_latest.Sequence + 1, snapshot.AsOf, snapshot.Watermark, changed) { PublishedAt = _time.GetTimestamp() };
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
