using Metrics.Domain.Operations;
using Metrics.Live.Simulation;

namespace Metrics.Benchmarks;

/// <summary>Realistic events for the benchmarks: a busy two days of the demo scenario, in time order, repeated to the count asked.</summary>
internal static class DemoEvents
{
    public static OperationalEvent[] Repeated(int count)
    {
        var scenario = new DemoScenario(1, [("a", 1), ("b", 1), ("c", 1)]);
        var start = new DateTimeOffset(2019, 3, 12, 0, 0, 0, TimeSpan.Zero);
        var days = Enumerable.Range(0, 48).SelectMany(h => scenario.ArrivalsInHour(start.AddHours(h))).OrderBy(e => e.OccurredAt).ToList();
        return [.. Enumerable.Range(0, (count / days.Count) + 1).SelectMany(_ => days).Take(count)];
    }
}
