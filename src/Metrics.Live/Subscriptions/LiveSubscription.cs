using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Metrics.Live.Subscriptions;

/// <summary>What a subscriber receives.</summary>
public enum LiveMessageKind
{
    /// <summary>Every figure asked for.</summary>
    Snapshot,

    /// <summary>The figures that changed.</summary>
    Update,

    /// <summary>Nothing changed: the stream is alive, at this sequence and event time.</summary>
    Heartbeat,
}

/// <summary>
/// One message for a subscriber. Conflated: several changes were merged because the
/// subscriber was behind (each figure is the latest). ResumeMissed: a resume was asked for but
/// the changes after it are gone, so this is a fresh snapshot. Resumed: the changes missed
/// since the sequence asked for follow, or there were none.
/// </summary>
public sealed record LiveMessage(
    LiveMessageKind Kind,
    long Sequence,
    DateTimeOffset AsOf,
    DateTimeOffset Watermark,
    IReadOnlyList<LiveFigure> Figures,
    bool Conflated = false,
    bool ResumeMissed = false,
    bool Resumed = false)
{
    /// <summary>For an update of changes as they happen: when the latest of them was broadcast (<see cref="TimeProvider.GetTimestamp"/>); otherwise 0.</summary>
    public long PublishedAt { get; init; }

    /// <summary>
    /// For an update of one change, not merged with another: that change. Every subscriber with an
    /// equal filter is sent the same figures for it, so the message can be built once for them all.
    /// </summary>
    public LiveChange? Change { get; init; }
}

/// <summary>
/// A subscriber's queue: messages to send first (a snapshot or the changes it missed), then
/// its pending figures, merged by key, so it holds at most one of each figure however far
/// behind its reader is. One reader: the call's single writer loop.
/// </summary>
/// <remarks>
/// Nothing is allocated per message for waiting: one heartbeat timer per subscription is re-armed
/// each time the queue runs dry (with thousands of subscribers, a timer and a task per wait were
/// the fan-out's cost).
/// </remarks>
public sealed class LiveSubscription : IDisposable
{
    private readonly LiveBroadcast _broadcast;
    private readonly Lock _gate = new();
    private readonly Queue<LiveMessage> _first = new();
    private readonly Dictionary<string, LiveFigure> _pending = new(StringComparer.Ordinal);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private LiveChange _pendingChange;
    private int _merged;
    private ITimer? _heartbeat;

    internal LiveSubscription(LiveBroadcast broadcast, SubscriberFilter filter, LiveChange latest)
    {
        _broadcast = broadcast;
        Filter = filter;
        _pendingChange = latest;
    }

    public SubscriberFilter Filter { get; }

    /// <summary>Figures waiting to be sent (at most one per key).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count + _first.Count;
            }
        }
    }

    /// <summary>Changes merged into an update because the reader was behind, over the subscription's life.</summary>
    public long ConflatedChanges { get; private set; }

    /// <summary>
    /// The next message: what is queued first, else pending figures, else, when nothing comes
    /// within <paramref name="heartbeat"/>, a heartbeat.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // one wait per message per subscriber: no box each time
    public async ValueTask<LiveMessage> NextAsync(TimeSpan heartbeat, TimeProvider clock, CancellationToken cancellationToken)
    {
        var since = clock.GetTimestamp();
        while (true)
        {
            lock (_gate)
            {
                if (_first.TryDequeue(out var queued))
                {
                    return queued;
                }

                if (_pending.Count > 0)
                {
                    var update = new LiveMessage(
                        LiveMessageKind.Update, _pendingChange.Sequence, _pendingChange.AsOf, _pendingChange.Watermark, [.. _pending.Values], Conflated: _merged > 1)
                    {
                        PublishedAt = _pendingChange.PublishedAt,
                        Change = _merged == 1 ? _pendingChange : null,
                    };
                    _pending.Clear();
                    _merged = 0;
                    return update;
                }
            }

            var quiet = clock.GetElapsedTime(since);
            if (quiet >= heartbeat)
            {
                var latest = _broadcast.Latest();
                return new LiveMessage(LiveMessageKind.Heartbeat, latest.Sequence, latest.AsOf, latest.Watermark, []);
            }

            // The timer only wakes this loop; a wake from an earlier arming just checks again.
            _heartbeat ??= clock.CreateTimer(static state => ((LiveSubscription)state!)._signal.Writer.TryWrite(true), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _heartbeat.Change(heartbeat - quiet, Timeout.InfiniteTimeSpan);
            await _signal.Reader.WaitToReadAsync(cancellationToken);
            _signal.Reader.TryRead(out _);
        }
    }

    public void Dispose()
    {
        _heartbeat?.Dispose();
        _broadcast.Remove(this);
    }

    internal void StartWithSnapshot(IReadOnlyList<LiveFigure> figures, bool resumeMissed)
    {
        _first.Enqueue(new LiveMessage(
            LiveMessageKind.Snapshot, _pendingChange.Sequence, _pendingChange.AsOf, _pendingChange.Watermark, [.. figures.Where(Filter.Wants)], ResumeMissed: resumeMissed));
        _signal.Writer.TryWrite(true);
    }

    internal void StartWithMissed(IReadOnlyList<LiveChange> missed)
    {
        foreach (var change in missed)
        {
            var wanted = change.Figures.Where(Filter.Wants).ToList();
            if (wanted.Count > 0)
            {
                _first.Enqueue(new LiveMessage(LiveMessageKind.Update, change.Sequence, change.AsOf, change.Watermark, wanted, Resumed: true));
            }
        }

        if (_first.Count == 0)
        {
            // Nothing was missed: say so at once, so the display knows it is live again.
            _first.Enqueue(new LiveMessage(LiveMessageKind.Update, _pendingChange.Sequence, _pendingChange.AsOf, _pendingChange.Watermark, [], Resumed: true));
        }

        _signal.Writer.TryWrite(true);
    }

    /// <remarks>Called for every subscriber under the broadcast's lock: no allocation here.</remarks>
    internal void Deliver(LiveChange change)
    {
        var wanted = 0;
        lock (_gate)
        {
            foreach (var figure in change.Figures)
            {
                if (Filter.Wants(figure))
                {
                    _pending[figure.Key] = figure;
                    wanted++;
                }
            }

            if (wanted == 0)
            {
                return;
            }

            _pendingChange = change;
            _merged++;
            if (_merged > 1)
            {
                ConflatedChanges++;
            }
        }

        _signal.Writer.TryWrite(true);
    }
}
