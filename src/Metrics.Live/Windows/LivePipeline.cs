using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Metrics.Domain.Operations;
using Metrics.Live.Alerts;

namespace Metrics.Live.Windows;

/// <summary>
/// The live pipeline: stored events go in (in the order they were stored), and a snapshot of
/// every figure comes out on each tick of the scheduler, since "now" moves even when no event
/// arrives (rolling windows slide, incidents age, intervals close). Time comes only from the
/// scheduler, so tests run it on virtual time.
/// </summary>
public sealed class LivePipeline : IDisposable
{
    private readonly LiveState _state;
    private readonly IScheduler _scheduler;
    private readonly Lock _gate = new();
    private readonly Subject<StoredEvent> _events = new();
    private readonly Subject<Unit> _applied = new();
    private readonly IDisposable _applying;

    private readonly AlertEvaluator _alerts;
    private readonly AlertRules _rules;

    /// <summary>Area names by code, for alerts in the words a control room uses; swapped whole, read on the tick.</summary>
    private volatile IReadOnlyDictionary<string, string> _areaNames = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Late events applied since the last tick: a force system catching up on a backlog when there are many.</summary>
    private int _lateSinceTick;

    /// <param name="publishEvery">The clock's tick: windows move and ages grow with it.</param>
    /// <param name="publishAfterEventsWithin">
    /// Events also trigger a publish: at once after a quiet spell, else at most this long
    /// after the last one (the changes of all the batches in between go out together), so a
    /// display sees an event within this instead of at the next tick. Zero: on the tick only.
    /// </param>
    /// <param name="ticks">
    /// The clock's ticks when they come from elsewhere (a shared log's tick entries, so that every
    /// replica computes its figures at the same instants); by default one every
    /// <paramref name="publishEvery"/> on the scheduler.
    /// </param>
    public LivePipeline(LiveOptions options, IScheduler scheduler, TimeSpan publishEvery, AlertRules? alertRules = null, TimeSpan publishAfterEventsWithin = default, IObservable<Unit>? ticks = null)
    {
        _state = new LiveState(options);
        _rules = alertRules ?? new AlertRules();
        _alerts = new AlertEvaluator(_rules, code => _areaNames.GetValueOrDefault(code, code));
        _scheduler = scheduler;
        _applying = _events.Subscribe(e =>
        {
            lock (_gate)
            {
                _state.Apply(e.Event, e.Late);
                _lateSinceTick += e.Late ? 1 : 0;
            }
        });
        ticks ??= Observable.Interval(publishEvery, scheduler).Select(_ => Unit.Default);
        var triggers = publishAfterEventsWithin > TimeSpan.Zero
            ? ticks.Merge(_applied.AtOnceThenAtMostEvery(publishAfterEventsWithin, scheduler))
            : ticks;
        Snapshots = triggers
            .Select(_ => Evaluate())
            .Publish()
            .RefCount();
    }

    /// <summary>A snapshot per tick, shared by every subscriber.</summary>
    public IObservable<LiveSnapshot> Snapshots { get; }

    public LiveOptions Options => _state.Options;

    /// <summary>
    /// Which events of a batch are late: before the watermark, the server's clock less the
    /// allowed lateness (never an event's own time, which a fast clock elsewhere could set ahead).
    /// Decided before storing, and stored with the event, so that a replay after a restart decides the same.
    /// </summary>
    public bool[] ClassifyLate(IReadOnlyList<OperationalEvent> batch)
    {
        lock (_gate)
        {
            var watermark = _state.Watermark(_scheduler.Now);
            return [.. batch.Select(e => e.OccurredAt < watermark)];
        }
    }

    /// <summary>The names alerts give areas (a code without one is shown as its code); the catalogue's, as ingest last read it.</summary>
    public void NameAreas(IReadOnlyCollection<(string Code, string Name)> areas)
    {
        // Called for every ingest batch: the names change only when the catalogue does, so the
        // usual call compares and keeps what it has rather than building a dictionary per batch.
        var current = _areaNames;
        if (areas.Count == current.Count && areas.All(a => current.TryGetValue(a.Code, out var name) && name == a.Name))
        {
            return;
        }

        _areaNames = areas.ToDictionary(a => a.Code, a => a.Name, StringComparer.Ordinal);
    }

    /// <summary>Applies events once they are stored.</summary>
    public void Apply(IEnumerable<StoredEvent> events)
    {
        foreach (var e in events)
        {
            _events.OnNext(e);
        }

        _applied.OnNext(Unit.Default);
    }

    /// <summary>Windows ending before this are final; cheap, for telemetry.</summary>
    public DateTimeOffset Watermark()
    {
        lock (_gate)
        {
            return _state.Watermark(_scheduler.Now);
        }
    }

    /// <summary>Every figure now, with the alerts as of the last tick.</summary>
    public LiveSnapshot Snapshot()
    {
        lock (_gate)
        {
            return WithThresholds(_state.Snapshot(_scheduler.Now)) with { Alerts = _alerts.Current };
        }
    }

    /// <summary>
    /// A tick: every figure now, with the alert rules evaluated on them. While a force system
    /// sends a backlog of late events (<see cref="AlertRules.CatchUpLateEvents"/> or more since the
    /// last tick: the history of hours, after an outage or at a demo's start), the state is part
    /// of the way through the past, and an alert raised on it would stand for
    /// <see cref="AlertRules.ClearAfter"/> against tiles that no longer show it: alerts wait, and
    /// are evaluated on the state as it is once the backlog is in.
    /// </summary>
    private LiveSnapshot Evaluate()
    {
        lock (_gate)
        {
            var snapshot = WithThresholds(_state.Snapshot(_scheduler.Now));
            var catchingUp = _lateSinceTick >= _rules.CatchUpLateEvents;
            _lateSinceTick = 0;
            return snapshot with { Alerts = catchingUp ? _alerts.Current : _alerts.Evaluate(snapshot) };
        }
    }

    /// <summary>Each figure with the threshold its alert rule holds it to, for displays.</summary>
    private LiveSnapshot WithThresholds(LiveSnapshot snapshot)
    {
        var areas = snapshot.Unresourced.Select(u => u.AreaCode).Where(a => a.Length > 0).Distinct().ToList();
        var forceTolerance = areas.Sum(_rules.ToleranceFor);
        return snapshot with
        {
            Unresourced = [.. snapshot.Unresourced.Select(u => u with { Tolerance = u.AreaCode == ForceWide.AreaCode ? forceTolerance : _rules.ToleranceFor(u.AreaCode) })],
            Intelligence = snapshot.Intelligence with { Limit = _rules.OutstandingIntelligenceLimit },
        };
    }

    /// <summary>A month's totals, late events included, for history.</summary>
    public MonthTotals Month(Domain.Calendar.YearMonth month)
    {
        lock (_gate)
        {
            return _state.Month(month);
        }
    }

    /// <summary>The calendar month (local time) an instant falls in.</summary>
    public Domain.Calendar.YearMonth MonthOf(DateTimeOffset at) => _state.MonthOf(at);

    public void Dispose()
    {
        _applying.Dispose();
        _events.Dispose();
    }
}
