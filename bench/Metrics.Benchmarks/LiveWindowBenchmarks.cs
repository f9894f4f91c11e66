using BenchmarkDotNet.Attributes;
using Metrics.Domain.Operations;
using Metrics.Live.Simulation;
using Metrics.Live.Windows;

namespace Metrics.Benchmarks;

/// <summary>
/// The live window pipeline against its ceiling: a hand-written loop computing the same call
/// figures (offered, answered, abandoned, answered in time, waits) per minute bucket, with no
/// incidents, intelligence, months or late handling. Events per second = Events / mean time.
/// </summary>
[MemoryDiagnoser]
public class LiveWindowBenchmarks
{
    private OperationalEvent[] _events = [];

    [Params(100_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A busy day of realistic events, repeated to the size asked, in time order.
        var scenario = new DemoScenario(1, [("a", 1), ("b", 1), ("c", 1)]);
        var start = new DateTimeOffset(2019, 3, 12, 0, 0, 0, TimeSpan.Zero);
        var day = Enumerable.Range(0, 48).SelectMany(h => scenario.ArrivalsInHour(start.AddHours(h))).OrderBy(e => e.OccurredAt).ToList();
        _events = [.. Enumerable.Range(0, (Events / day.Count) + 1).SelectMany(_ => day).Take(Events)];
    }

    [Benchmark(Description = "LiveState: apply every event, then one snapshot")]
    public LiveSnapshot Pipeline()
    {
        var state = new LiveState(new LiveOptions());
        foreach (var e in _events)
        {
            state.Apply(e, late: false);
        }

        return state.Snapshot(_events[^1].OccurredAt);
    }

    [Benchmark(Baseline = true, Description = "Ceiling: hand-written call counts per minute")]
    public int HandWritten()
    {
        var offered = new Dictionary<long, int>();
        var answered = new Dictionary<long, (int Count, int InTime, double Wait, double Longest)>();
        var abandoned = new Dictionary<long, int>();
        foreach (var e in _events)
        {
            var minute = e.OccurredAt.ToUnixTimeSeconds() / 60;
            switch (e)
            {
                case CallOffered:
                    offered[minute] = offered.GetValueOrDefault(minute) + 1;
                    break;
                case CallAnswered a:
                    var (count, inTime, wait, longest) = answered.GetValueOrDefault(minute);
                    var seconds = a.Wait.TotalSeconds;
                    var threshold = a.Line == CallLine.Emergency999 ? 10 : 30;
                    answered[minute] = (count + 1, inTime + (seconds <= threshold ? 1 : 0), wait + seconds, Math.Max(longest, seconds));
                    break;
                case CallAbandoned:
                    abandoned[minute] = abandoned.GetValueOrDefault(minute) + 1;
                    break;
            }
        }

        return offered.Count + answered.Count + abandoned.Count;
    }
}
