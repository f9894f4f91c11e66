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
/// subscriber was behind (each figure is the latest). ResumeMissed: a resume was asked for and
/// could not be served (why), so this is a fresh snapshot. Resumed: the changes missed since the
/// sequence asked for follow, or there were none.
/// </summary>
public sealed record LiveMessage(
    LiveMessageKind Kind,
    long Sequence,
    DateTimeOffset AsOf,
    DateTimeOffset Watermark,
    IReadOnlyList<LiveFigure> Figures,
    bool Conflated = false,
    ResumeMiss ResumeMissed = ResumeMiss.None,
    bool Resumed = false)
{
    /// <summary>For an update: the keys of figures that left since the subscriber was last sent them (a display drops them).</summary>
    public IReadOnlyList<string> RemovedKeys { get; init; } = [];

    /// <summary>The filter the messages were chosen by, for the resume point a subscriber keeps.</summary>
    public string FilterFingerprint { get; init; } = "";

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
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private readonly string _fingerprint;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private LiveChange _pendingChange;
    private int _merged;
    private ITimer? _heartbeat;

    internal LiveSubscription(LiveBroadcast broadcast, SubscriberFilter filter, LiveChange latest)
    {
        _broadcast = broadcast;
        Filter = filter;
        _fingerprint = filter.Fingerprint;
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

                if (_pending.Count > 0 || _removed.Count > 0)
                {
                    var update = new LiveMessage(
                        LiveMessageKind.Update, _pendingChange.Sequence, _pendingChange.AsOf, _pendingChange.Watermark, [.. _pending.Values], Conflated: _merged > 1)
                    {
                        RemovedKeys = _removed.Count == 0 ? [] : [.. _removed.Order(StringComparer.Ordinal)],
                        FilterFingerprint = _fingerprint,
                        PublishedAt = _pendingChange.PublishedAt,
                        Change = _merged == 1 ? _pendingChange : null,
                    };
                    _pending.Clear();
                    _removed.Clear();
                    _merged = 0;
                    return update;
                }
            }

            var quiet = clock.GetElapsedTime(since);
            if (quiet >= heartbeat)
            {
                var latest = _broadcast.Latest();
                return new LiveMessage(LiveMessageKind.Heartbeat, latest.Sequence, latest.AsOf, latest.Watermark, []) { FilterFingerprint = _fingerprint };
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

    internal void StartWithSnapshot(IReadOnlyList<LiveFigure> figures, ResumeMiss resumeMissed)
    {
        _first.Enqueue(new LiveMessage(
            LiveMessageKind.Snapshot, _pendingChange.Sequence, _pendingChange.AsOf, _pendingChange.Watermark, [.. figures.Where(Filter.Wants)], ResumeMissed: resumeMissed)
        {
            FilterFingerprint = _fingerprint,
        });
        _signal.Writer.TryWrite(true);
    }

    internal void StartWithMissed(IReadOnlyList<LiveChange> missed)
    {
        foreach (var change in missed)
        {
            var wanted = change.Figures.Where(Filter.Wants).ToList();
            var removed = change.Removed.Where(Filter.Wants).Select(f => f.Key).ToList();
            if (wanted.Count > 0 || removed.Count > 0)
            {
                _first.Enqueue(new LiveMessage(LiveMessageKind.Update, change.Sequence, change.AsOf, change.Watermark, wanted, Resumed: true)
                {
                    RemovedKeys = removed,
                    FilterFingerprint = _fingerprint,
                });
            }
        }

        if (_first.Count == 0)
        {
            // Nothing was missed: say so at once, so the display knows it is live again.
            _first.Enqueue(new LiveMessage(LiveMessageKind.Update, _pendingChange.Sequence, _pendingChange.AsOf, _pendingChange.Watermark, [], Resumed: true)
            {
                FilterFingerprint = _fingerprint,
            });
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
                    _removed.Remove(figure.Key);
                    wanted++;
                }
            }

            foreach (var figure in change.Removed)
            {
                if (Filter.Wants(figure))
                {
                    // Whatever was pending for it is moot; it goes as a removal.
                    _pending.Remove(figure.Key);
                    _removed.Add(figure.Key);
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
