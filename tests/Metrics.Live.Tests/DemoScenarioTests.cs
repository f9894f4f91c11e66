using Metrics.Domain.Operations;
using Metrics.Live.Simulation;
using Metrics.Live.Windows;

namespace Metrics.Live.Tests;

/// <summary>The demo publisher is deterministic and looks like the force the report describes.</summary>
public sealed class DemoScenarioTests
{
    private static readonly (string, double)[] Areas =
        [("herefordshire", 189), ("north-worcestershire", 282), ("shropshire", 313), ("south-worcestershire", 302), ("telford-and-wrekin", 173)];

    private static readonly DateTimeOffset March2019 = new(2019, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private const int PinnedCount = 424;
    private const string PinnedFirstId = "demo-42-430961-offered-13";
    private const string PinnedFirstAt = "2019-03-01T17:00:18.8300695+00:00";

    [Fact]
    public void TheSameSeedAndHourGiveTheSameEvents()
    {
        var hour = March2019.AddHours(17);

        var first = new DemoScenario(42, Areas).ArrivalsInHour(hour);
        var again = new DemoScenario(42, Areas).ArrivalsInHour(hour.AddMinutes(20));
        var other = new DemoScenario(43, Areas).ArrivalsInHour(hour);

        Assert.Equal(first, again);
        Assert.NotEqual(first.Select(e => e.EventId), other.Select(e => e.EventId));
        Assert.Equal(first.Count, first.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public void TheEventsDoNotDependOnTheProcess()
    {
        // Pinned: a restarted publisher (a new process) must send the very same events.
        var events = new DemoScenario(42, Areas).ArrivalsInHour(March2019.AddHours(17));

        Assert.Equal(PinnedCount, events.Count);
        var first = Assert.IsType<CallOffered>(events[0]);
        Assert.Equal((PinnedFirstId, PinnedFirstAt), (first.EventId, first.OccurredAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void AMonthLooksLikeTheReportsMonth()
    {
        var scenario = new DemoScenario(7, Areas);
        var month = Enumerable.Range(0, 31 * 24).SelectMany(h => scenario.ArrivalsInHour(March2019.AddHours(h))).ToList();

        var offered999 = month.OfType<CallOffered>().Count(c => c.Line == CallLine.Emergency999);
        var offered101 = month.OfType<CallOffered>().Count(c => c.Line == CallLine.NonEmergency101);
        double Abandoned(CallLine line) => 100.0 * month.OfType<CallAbandoned>().Count(c => c.Line == line) / month.OfType<CallOffered>().Count(c => c.Line == line);
        var emergencies = month.OfType<IncidentOpened>().Count(i => i.Grade == IncidentGrade.Emergency);
        var intelligencePerWeek = month.OfType<IntelligenceSubmitted>().Count() / (31 / 7.0);

        Assert.InRange(offered999, 11_000, 12_600);
        Assert.InRange(offered101, 37_500, 41_500);
        Assert.InRange(Abandoned(CallLine.Emergency999), 0.8, 1.6);
        Assert.InRange(Abandoned(CallLine.NonEmergency101), 15.5, 18.5);
        Assert.InRange(emergencies, 3_800, 4_500);
        Assert.InRange(intelligencePerWeek, 350, 500);
    }

    [Fact]
    public void IntelligenceComesInAroundTheClockAndIsProcessedThroughTheWorkingDay()
    {
        var scenario = new DemoScenario(5, Areas);
        var week = Enumerable.Range(0, 7 * 24).SelectMany(h => scenario.ArrivalsInHour(March2019.AddHours(h))).ToList();
        int LocalHour(OperationalEvent e) => TimeZoneInfo.ConvertTime(e.OccurredAt, Metrics.Domain.Calendar.UkTime.Zone).Hour;
        var submitted = week.OfType<IntelligenceSubmitted>().ToList();
        var processed = week.OfType<IntelligenceProcessed>().Where(p => p.OccurredAt < March2019.AddDays(7)).ToList();

        Assert.All(processed, p => Assert.InRange(LocalHour(p), 8, 19)); // the bureau's hours, 08:00 to 20:00
        Assert.Contains(submitted, s => LocalHour(s) is < 8 or >= 20);
        // Every working hour of the week processes reports, and takes in about what comes in.
        Assert.All(Enumerable.Range(8, 12), hour => Assert.Contains(processed, p => LocalHour(p) == hour));
        Assert.InRange(processed.Count, 0.8 * submitted.Count, 1.2 * submitted.Count);
    }

    [Fact]
    public void OnTheWallTheFiguresLookLikeAControlRoomsDay()
    {
        var scenario = new DemoScenario(11, Areas);
        var state = new LiveState(new LiveOptions());
        var now = March2019.AddDays(5).AddHours(15);
        var events = Enumerable.Range(-72, 72).SelectMany(h => scenario.ArrivalsInHour(now.AddHours(h))).Where(e => e.OccurredAt <= now).OrderBy(e => e.OccurredAt);
        foreach (var e in events)
        {
            state.Apply(e, late: false);
        }

        var snapshot = state.Snapshot(now);

        Assert.All(snapshot.Unresourced.Where(u => u.AreaCode.Length > 0 && u.Grade == IncidentGrade.Priority), u => Assert.InRange(u.Count, 3, 40));
        Assert.InRange(snapshot.Unresourced.Where(u => u.AreaCode.Length == 0).Sum(u => u.Count), 40, 160);
        Assert.True(snapshot.CallsOn(CallLine.Emergency999).Window(WindowKind.Today).MeetsStandard, "999 above standard");
        Assert.False(snapshot.CallsOn(CallLine.NonEmergency101).Window(WindowKind.Today).MeetsStandard, "101 below standard, as in the report");
        Assert.InRange(snapshot.Attendance.Single(a => a.AreaCode.Length == 0).Today.PercentWithinTarget!.Value, 65, 95);
        Assert.InRange(snapshot.Intelligence.Outstanding, 20, 300);
        Assert.True(snapshot.Intelligence.SubmittedToday > 0 && snapshot.Intelligence.ProcessedToday > 0, "at 15:00 the day has taken in and processed reports");
    }
}
