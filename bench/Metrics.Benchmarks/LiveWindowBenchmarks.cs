using BenchmarkDotNet.Attributes;
using Metrics.Domain.Operations;
using Metrics.Live.Simulation;
using Metrics.Live.Windows;

namespace Metrics.Benchmarks;

/// <summary>
/// The live window pipeline against its ceiling: a hand-written loop computing the same
/// figures (calls per line per minute with waits and calls waiting; incidents open and
/// unresourced per area and grade, emergency attendance per area per minute; intelligence
/// outstanding and per minute) with plain dictionaries, and none of the pipeline's care: no
/// out-of-order calls, late events, month totals or pruning. Events per second = Events / mean.
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
        _events = DemoEvents.Repeated(Events);
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

    [Benchmark(Baseline = true, Description = "Ceiling: hand-written loop over the same figures")]
    public int HandWritten()
    {
        var calls = new Dictionary<(CallLine, long), (int Offered, int Answered, int Abandoned, int InTime, double Wait, double Longest)>();
        var waiting = new HashSet<string>();
        var incidents = new Dictionary<string, (string Area, IncidentGrade Grade, DateTimeOffset Opened, bool Resourced)>();
        var attendance = new Dictionary<(string, long), (int Attended, int InTime, double Seconds)>();
        var outstanding = new HashSet<string>();
        var intelligence = new Dictionary<long, (int In, int Out)>();
        foreach (var e in _events)
        {
            var minute = e.OccurredAt.ToUnixTimeSeconds() / 60;
            switch (e)
            {
                case CallOffered o:
                    waiting.Add(o.CallId);
                    var offered = calls.GetValueOrDefault((o.Line, minute));
                    calls[(o.Line, minute)] = offered with { Offered = offered.Offered + 1 };
                    break;
                case CallAnswered a:
                    waiting.Remove(a.CallId);
                    var answered = calls.GetValueOrDefault((a.Line, minute));
                    var seconds = a.Wait.TotalSeconds;
                    var inTime = seconds <= (a.Line == CallLine.Emergency999 ? 10 : 30) ? 1 : 0;
                    calls[(a.Line, minute)] = answered with
                    {
                        Answered = answered.Answered + 1,
                        InTime = answered.InTime + inTime,
                        Wait = answered.Wait + seconds,
                        Longest = Math.Max(answered.Longest, seconds),
                    };
                    break;
                case CallAbandoned b:
                    waiting.Remove(b.CallId);
                    var abandoned = calls.GetValueOrDefault((b.Line, minute));
                    calls[(b.Line, minute)] = abandoned with { Abandoned = abandoned.Abandoned + 1 };
                    break;
                case IncidentOpened i:
                    incidents[i.IncidentId] = (i.AreaCode, i.Grade, i.OccurredAt, false);
                    break;
                case IncidentResourced r when incidents.TryGetValue(r.IncidentId, out var open):
                    incidents[r.IncidentId] = open with { Resourced = true };
                    break;
                case IncidentAttended t when incidents.TryGetValue(t.IncidentId, out var opened) && opened.Grade == IncidentGrade.Emergency:
                    var took = (t.OccurredAt - opened.Opened).TotalSeconds;
                    var counts = attendance.GetValueOrDefault((opened.Area, minute));
                    attendance[(opened.Area, minute)] = (counts.Attended + 1, counts.InTime + (took <= 1200 ? 1 : 0), counts.Seconds + took);
                    break;
                case IncidentClosed c:
                    incidents.Remove(c.IncidentId);
                    break;
                case IntelligenceSubmitted s:
                    outstanding.Add(s.ReportId);
                    var submitted = intelligence.GetValueOrDefault(minute);
                    intelligence[minute] = (submitted.In + 1, submitted.Out);
                    break;
                case IntelligenceProcessed p:
                    outstanding.Remove(p.ReportId);
                    var processed = intelligence.GetValueOrDefault(minute);
                    intelligence[minute] = (processed.In, processed.Out + 1);
                    break;
            }
        }

        var unresourced = incidents.Values.Where(i => !i.Resourced).GroupBy(i => (i.Area, i.Grade)).Count();
        return calls.Count + waiting.Count + unresourced + attendance.Count + outstanding.Count + intelligence.Count;
    }
}
