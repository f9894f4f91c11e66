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
internal sealed class LogTime : LocalScheduler, IDisposable
{
    private readonly Subject<Unit> _figuresDue = new();
    private long _utcTicks = DateTimeOffset.UnixEpoch.UtcTicks;

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
        return true;
    }

    public override IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action) =>
        throw new NotSupportedException("the log's time moves only with its entries: nothing is scheduled on it");
}
