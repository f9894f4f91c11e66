using System.Reactive;
using Metrics.Live.Windows;
using Microsoft.Reactive.Testing;

namespace Metrics.Live.Tests;

/// <summary>
/// AtOnceThenAtMostEvery alone, as Rx.NET tests its own operators: signals at given virtual
/// ticks, the exact notifications out (spacing 50 ticks). TestScheduler runs work scheduled for
/// "now" on the next tick, so a send that goes out at once reads one tick after its signal.
/// </summary>
public sealed class PublishTimingTests
{
    private static readonly TimeSpan Spacing = TimeSpan.FromTicks(50);
    private readonly TestScheduler _scheduler = new();

    [Fact]
    public void ALoneSignalAfterAQuietSpellGoesOutAtOnce()
    {
        var results = Run(OnNext(300), OnCompleted(1000));

        Assert.Equal([OnNext(301), OnCompleted(1000)], results);
    }

    [Fact]
    public void ABurstGoesOutOncePerSpacingHoweverManySignalsItHas()
    {
        var results = Run(OnNext(300), OnNext(310), OnNext(320), OnNext(340), OnNext(355), OnNext(420), OnCompleted(1000));

        // 300 at once (301); 310-340 wait out the spacing to 351; 355 waits to 401; 420 is 19 after 401: to 451.
        Assert.Equal([OnNext(301), OnNext(351), OnNext(401), OnNext(451), OnCompleted(1000)], results);
    }

    [Fact]
    public void ASignalASpacingAfterTheLastSendGoesOutAtOnce()
    {
        var results = Run(OnNext(300), OnNext(360), OnNext(500), OnCompleted(1000));

        Assert.Equal([OnNext(301), OnNext(361), OnNext(501), OnCompleted(1000)], results);
    }

    [Fact]
    public void CompletionWaitsForTheSendStillDueAndNothingFollowsIt()
    {
        var results = Run(OnNext(300), OnNext(310), OnCompleted(320));

        Assert.Equal([OnNext(301), OnNext(351), OnCompleted(351)], results);
    }

    [Fact]
    public void AnErrorEndsTheStreamAtOnceAndTheSendStillDueNeverGoes()
    {
        var failure = new InvalidOperationException("the feed failed");

        var results = Run(OnNext(300), OnNext(310), OnError(320, failure));

        Assert.Equal([OnNext(301), OnError(320, failure)], results);
    }

    [Fact]
    public void ASignalIsSentOnTheSchedulerNeverOnTheSignallingCall()
    {
        var signals = new System.Reactive.Subjects.Subject<Unit>();
        var sent = 0;
        using var subscription = signals.AtOnceThenAtMostEvery(Spacing, _scheduler).Subscribe(_ => sent++);
        _scheduler.AdvanceTo(1000);

        signals.OnNext(Unit.Default);
        var duringTheCall = sent;
        _scheduler.AdvanceBy(1);

        Assert.Equal((0, 1), (duringTheCall, sent));
    }

    private IList<Recorded<System.Reactive.Notification<Unit>>> Run(params Recorded<System.Reactive.Notification<Unit>>[] signals)
    {
        var source = _scheduler.CreateHotObservable(signals);
        return _scheduler.Start(() => source.AtOnceThenAtMostEvery(Spacing, _scheduler), created: 0, subscribed: 0, disposed: 2000).Messages;
    }

    private static Recorded<System.Reactive.Notification<Unit>> OnNext(long ticks) => ReactiveTest.OnNext(ticks, Unit.Default);

    private static Recorded<System.Reactive.Notification<Unit>> OnCompleted(long ticks) => ReactiveTest.OnCompleted<Unit>(ticks);

    private static Recorded<System.Reactive.Notification<Unit>> OnError(long ticks, Exception error) => ReactiveTest.OnError<Unit>(ticks, error);
}
