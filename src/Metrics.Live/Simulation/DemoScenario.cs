using Metrics.Domain.Calendar;
using Metrics.Domain.Operations;

namespace Metrics.Live.Simulation;

/// <summary>
/// Realistic operational events for demonstrations and tests: Poisson arrivals whose rate
/// follows the hour of the day and the day of the week, each arrival with what follows it
/// (an answer or an abandon; a unit assigned, arriving, the incident closed; a report
/// processed). Every hour's arrivals are a function of the seed and the hour alone, so the same
/// hour always gives the same events with the same ids: a restarted publisher re-sends them
/// and the server ignores the repeats.
/// </summary>
public sealed class DemoScenario(int seed, IReadOnlyList<(string AreaCode, double Weight)> areas, DemoCalibration? calibration = null)
{
    /// <summary>The systems the demo stands in for, as the sources of its events.</summary>
    public const string CallHandling = "demo-call-handling";

    public const string CommandAndControl = "demo-command-and-control";

    public const string IntelligenceSystem = "demo-intelligence";

    private readonly DemoCalibration _c = calibration ?? new DemoCalibration();
    private readonly double _totalWeight = areas.Sum(a => a.Weight);

    /// <summary>Every event caused by the arrivals in the hour starting at <paramref name="hour"/> (some fall in later hours), in time order.</summary>
    public IReadOnlyList<OperationalEvent> ArrivalsInHour(DateTimeOffset hour)
    {
        var start = new DateTimeOffset(hour.UtcDateTime.Date.AddHours(hour.UtcDateTime.Hour), TimeSpan.Zero);
        var key = start.ToUnixTimeSeconds() / 3600;
        var random = new Random(Mix(seed, key));
        var local = TimeZoneInfo.ConvertTime(start, UkTime.Zone);
        var demand = _c.ByHourOfDay[local.Hour] * _c.ByDayOfWeek[(int)local.DayOfWeek];
        var events = new List<OperationalEvent>();
        var number = 0;
        string Id(string kind) => $"demo-{seed}-{key}-{kind}-{number}";
        DateTimeOffset InHour() => start.AddSeconds(random.NextDouble() * 3600);

        foreach (var (line, rate, wait, abandon, name) in new[]
        {
            (CallLine.Emergency999, _c.Calls999PerHour, _c.Wait999, _c.Abandon999, "999"),
            (CallLine.NonEmergency101, _c.Calls101PerHour, _c.Wait101, _c.Abandon101, "101"),
        })
        {
            for (var i = Poisson(random, rate * demand); i > 0; i--, number++)
            {
                var offered = InHour();
                var callId = Id($"call{name}");
                events.Add(new CallOffered(CallHandling, Id("offered"), offered, callId, line));
                var waited = Exponential(random, wait);
                events.Add(random.NextDouble() < abandon
                    ? new CallAbandoned(CallHandling, Id("abandoned"), offered + waited, callId, line, waited)
                    : new CallAnswered(CallHandling, Id("answered"), offered + waited, callId, line, waited));
            }
        }

        foreach (var (grade, rate, resourcing) in new[]
        {
            (IncidentGrade.Emergency, _c.EmergencyIncidentsPerHour, _c.ResourceEmergency),
            (IncidentGrade.Priority, _c.PriorityIncidentsPerHour, _c.ResourcePriority),
            (IncidentGrade.Scheduled, _c.ScheduledIncidentsPerHour, _c.ResourceScheduled),
        })
        {
            for (var i = Poisson(random, rate * demand); i > 0; i--, number++)
            {
                var opened = InHour();
                var incidentId = Id("incident");
                events.Add(new IncidentOpened(CommandAndControl, Id("opened"), opened, incidentId, Area(random), grade));
                var resourced = opened + Exponential(random, resourcing);
                events.Add(new IncidentResourced(CommandAndControl, Id("resourced"), resourced, incidentId));
                var attended = resourced + Exponential(random, grade == IncidentGrade.Emergency ? _c.TravelEmergency : TimeSpan.FromMinutes(25));
                events.Add(new IncidentAttended(CommandAndControl, Id("attended"), attended, incidentId));
                events.Add(new IncidentClosed(CommandAndControl, Id("closed"), attended + Exponential(random, TimeSpan.FromMinutes(50)), incidentId));
            }
        }

        for (var i = Poisson(random, _c.IntelligencePerHour * demand); i > 0; i--, number++)
        {
            var submitted = InHour();
            var reportId = Id("intelligence");
            events.Add(new IntelligenceSubmitted(IntelligenceSystem, Id("submitted"), submitted, reportId, Area(random)));
            events.Add(new IntelligenceProcessed(IntelligenceSystem, Id("processed"), AfterWorkingTime(submitted, Exponential(random, _c.ProcessIntelligence)), reportId));
        }

        return [.. events.OrderBy(e => e.OccurredAt).ThenBy(e => e.EventId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// A seed for the hour that is the same in every process (HashCode is randomised per
    /// process, so it would not do): SplitMix64's finaliser over the seed and the hour.
    /// </summary>
    private static int Mix(int seed, long hour)
    {
        unchecked
        {
            var z = ((ulong)seed << 32) ^ (ulong)hour;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (int)(z ^ (z >> 31));
        }
    }

    /// <summary>When the bureau has worked <paramref name="work"/> on a report that came in at <paramref name="from"/>: its hours are local, every day.</summary>
    private DateTimeOffset AfterWorkingTime(DateTimeOffset from, TimeSpan work)
    {
        var local = TimeZoneInfo.ConvertTime(from, UkTime.Zone).DateTime;
        for (; ; local = local.Date.AddDays(1) + _c.BureauOpens)
        {
            var (opens, closes) = (local.Date + _c.BureauOpens, local.Date + _c.BureauCloses);
            local = local < opens ? opens : local;
            if (local >= closes)
            {
                continue;
            }

            if (work <= closes - local)
            {
                // Office hours never hold a clock change (01:00-02:00), so the local time is never ambiguous.
                return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local + work, UkTime.Zone), TimeSpan.Zero);
            }

            work -= closes - local;
        }
    }

    private string Area(Random random)
    {
        var pick = random.NextDouble() * _totalWeight;
        foreach (var (code, weight) in areas)
        {
            pick -= weight;
            if (pick < 0)
            {
                return code;
            }
        }

        return areas[^1].AreaCode;
    }

    private static TimeSpan Exponential(Random random, TimeSpan mean) =>
        TimeSpan.FromSeconds(-Math.Log(1 - random.NextDouble()) * mean.TotalSeconds);

    /// <summary>Counts the exponential gaps that fit in one unit of time: exact for any rate.</summary>
    private static int Poisson(Random random, double rate)
    {
        var count = 0;
        for (var time = -Math.Log(1 - random.NextDouble()); time < rate; time -= Math.Log(1 - random.NextDouble()))
        {
            count++;
        }

        return count;
    }
}
