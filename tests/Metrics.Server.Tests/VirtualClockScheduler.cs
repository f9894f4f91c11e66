using System.Reactive.Concurrency;

namespace Metrics.Server.Tests;

/// <summary>
/// Virtual time for the server's live pipeline, safe to schedule on from any thread. Rx's
/// HistoricalScheduler keeps its queue without a lock, and in a running server the ingest and
/// demo-feed threads schedule while the test thread advances the clock: the queue broke
/// (a NullReferenceException inside AdvanceBy). Rx's VirtualTimeScheduler locks its queue.
/// </summary>
public sealed class VirtualClockScheduler(DateTimeOffset start) : VirtualTimeScheduler<DateTimeOffset, TimeSpan>(start, Comparer<DateTimeOffset>.Default)
{
    protected override DateTimeOffset Add(DateTimeOffset absolute, TimeSpan relative) => absolute + relative;

    protected override DateTimeOffset ToDateTimeOffset(DateTimeOffset absolute) => absolute;

    protected override TimeSpan ToRelative(TimeSpan timeSpan) => timeSpan;
}
