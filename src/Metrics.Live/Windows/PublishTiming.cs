using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace Metrics.Live.Windows;

/// <summary>When applied events turn into a publish.</summary>
internal static class PublishTiming
{
    /// <summary>
    /// The first signal after a quiet spell goes out at once; signals within
    /// <paramref name="spacing"/> of the last one sent go out together when it has passed. A
    /// lone event reaches displays without waiting out a sampling period, and a burst costs one
    /// publish per spacing however many batches it has. Sent on the scheduler, never on the
    /// signalling (ingest) thread. When the signals complete, a send still due goes out first and
    /// completion follows it; an error ends the stream at once, dropping a send still due.
    /// </summary>
    public static IObservable<Unit> AtOnceThenAtMostEvery(this IObservable<Unit> signals, TimeSpan spacing, IScheduler scheduler) =>
        Observable.Create<Unit>(observer =>
        {
            var gate = new Lock();
            var lastSent = DateTimeOffset.MinValue;
            var due = false;
            var sending = false;
            var completed = false;
            var timer = new SerialDisposable();
            var subscription = signals.Subscribe(
                _ =>
                {
                    DateTimeOffset at;
                    lock (gate)
                    {
                        if (due || completed)
                        {
                            return;
                        }

                        due = true;
                        var now = scheduler.Now;
                        at = now - lastSent < spacing ? lastSent + spacing : now;
                    }

                    timer.Disposable = scheduler.Schedule(at, () =>
                    {
                        lock (gate)
                        {
                            // Signals from here on are after this send: they wait out the spacing.
                            due = false;
                            sending = true;
                            lastSent = scheduler.Now;
                        }

                        observer.OnNext(Unit.Default);
                        bool complete;
                        lock (gate)
                        {
                            sending = false;
                            complete = completed && !due;
                        }

                        if (complete)
                        {
                            observer.OnCompleted();
                        }
                    });
                },
                error =>
                {
                    timer.Dispose();
                    observer.OnError(error);
                },
                () =>
                {
                    lock (gate)
                    {
                        completed = true;
                        if (due || sending)
                        {
                            // The send still due (or going out now) completes the stream after it.
                            return;
                        }
                    }

                    observer.OnCompleted();
                });
            return new CompositeDisposable(subscription, timer);
        });
}
