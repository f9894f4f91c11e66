using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Subjects;

namespace Metrics.Server.Live.JetStream;

/// <summary>
/// The live pipeline's clock on a replica of the shared log: the time of the last entry applied
/// (a tick's instant, or when an event was logged), never moving back. Every replica that has
/// applied the same entries has the same time, so computes the same figures. Nothing is
/// scheduled on it: the entries that say the figures are due (<see cref="FiguresDue"/>) drive the pipeline.
/// </summary>
internal sealed class LogTime(TimeProvider clock, Microsoft.Extensions.Options.IOptions<JetStreamOptions> options) : LocalScheduler, IDisposable
{
    private readonly Subject<Unit> _figuresDue = new();
    private readonly TimeSpan _standsStillAfter = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(3).Ticks, options.Value.TickEvery.Ticks * 3));
    private long _utcTicks = DateTimeOffset.UnixEpoch.UtcTicks;
    private long _lastMovedAt;

    /// <summary>When the pipeline computes and publishes its figures: at the entries that say so (<see cref="LogFollower"/>).</summary>
    public IObservable<Unit> FiguresDue => _figuresDue;

    public void FiguresAreDue() => _figuresDue.OnNext(Unit.Default);

    public void Dispose() => _figuresDue.Dispose();

    public override DateTimeOffset Now => new(Volatile.Read(ref _utcTicks), TimeSpan.Zero);

    /// <summary>Moves the clock to <paramref name="at"/> if that is later; whether it moved.</summary>
    public bool AdvanceTo(DateTimeOffset at)
    {
        if (at.UtcTicks <= Volatile.Read(ref _utcTicks))
        {
            return false;
        }

        Volatile.Write(ref _utcTicks, at.UtcTicks);
        Interlocked.Exchange(ref _lastMovedAt, clock.GetTimestamp());
        return true;
    }

    /// <summary>
    /// Whether the log's time moved within the last three ticks (at least three seconds): false
    /// while the cluster has no quorum (no replica can append a tick) or this replica cannot read it.
    /// </summary>
    public bool Moving => Interlocked.Read(ref _lastMovedAt) != 0 && clock.GetElapsedTime(Interlocked.Read(ref _lastMovedAt)) < _standsStillAfter;

    public override IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action) =>
        throw new NotSupportedException("the log's time moves only with its entries: nothing is scheduled on it");
}
