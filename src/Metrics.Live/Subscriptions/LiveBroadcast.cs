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
    private readonly TimeProvider _time;
    private readonly Func<long, long> _next;
    private long? _lastDropped;
    private long _published;
    private IReadOnlyDictionary<string, LiveFigure> _current = new Dictionary<string, LiveFigure>();
    private LiveChange _latest;
    private long _conflatedByEnded;

    /// <param name="firstSequence">
    /// Where this broadcast's numbering starts: a server passes <see cref="FirstSequenceAt"/> so
    /// that a number from another process is never mistaken for one of its own.
    /// </param>
    /// <param name="nextSequence">
    /// The number of the change after the one numbered as given: by default the next number. A
    /// replica of a shared log numbers a change from the log's position instead
    /// (<see cref="LogNumbering"/>), so that every replica gives the same change the same number.
    /// </param>
    public LiveBroadcast(IObservable<LiveSnapshot> snapshots, LiveSnapshot initial, int replayCapacity = 1024, long firstSequence = 0, TimeProvider? time = null, Func<long, long>? nextSequence = null)
    {
        _replayCapacity = replayCapacity;
        _next = nextSequence ?? (previous => previous + 1);

        // The number a subscriber that came before the first change holds: the changes after it are all kept until the buffer drops one.
        _lastDropped = firstSequence;
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

    /// <summary>
    /// Numbering from a shared log: a change made while the entry at <paramref name="position"/>
    /// was applied is numbered from that position (four numbers an entry: applying one makes at
    /// most two changes, a send that was due and its own). Replicas that have applied the same
    /// entries hold the same figures, so the same change gets the same number on each, and a
    /// display's resume point means the same on any of them.
    /// </summary>
    public static Func<long, long> LogNumbering(Func<long> position) => previous => Math.Max(previous + 1, position() * ChangesPerLogEntry);

    /// <summary>
    /// A first number for a broadcast numbered from a shared log at <paramref name="position"/>:
    /// one no change is ever given (the last of the entry's four), so a resume point from another
    /// replica never matches the figures this one started with.
    /// </summary>
    public static long FirstLogSequence(long position) => (position * ChangesPerLogEntry) + ChangesPerLogEntry - 1;

    private const long ChangesPerLogEntry = 4;

    /// <summary>Changes broadcast since this broadcast began.</summary>
    public long ChangesPublished
    {
        get
        {
            lock (_gate)
            {
                return _published;
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
            var missed = resume switch
            {
                null => ResumeMiss.None,
                { FilterFingerprint: var asked } when asked != filter.Fingerprint => ResumeMiss.FilterChanged,
                { Sequence: var after } when !Kept(after) => ResumeMiss.ChangesNotKept,
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

    /// <summary>
    /// Whether the changes after <paramref name="after"/> are all kept: it is the latest, a change
    /// still kept, or the last one dropped from the buffer (numbers from a log have gaps, so a
    /// number between two kept changes is none of this broadcast's).
    /// </summary>
    private bool Kept(long after) =>
        after == _latest.Sequence || after == _lastDropped || _recent.Any(c => c.Sequence == after);

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

            _latest = new LiveChange(_next(_latest.Sequence), snapshot.AsOf, snapshot.Watermark, changed) { Removed = removed, PublishedAt = _time.GetTimestamp() };
            _recent.Enqueue(_latest);
            _published++;
            while (_recent.Count > _replayCapacity)
            {
                _lastDropped = _recent.Dequeue().Sequence;
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
