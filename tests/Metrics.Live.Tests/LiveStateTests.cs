using Metrics.Domain.Operations;
using Metrics.Live.Windows;
using static Metrics.Live.Tests.Events;

namespace Metrics.Live.Tests;

public sealed class LiveStateTests
{
    private static readonly LiveOptions Options = new();

    [Fact]
    public void AnIntervalHoldsWhatHappenedInItAndIsFinalOnceTheWatermarkPassesItsEnd()
    {
        var state = Applied(
            Answered("2019-03-12T10:14:59Z", "c1", 4),
            Answered("2019-03-12T10:15:00Z", "c2", 12));

        var open = state.Snapshot(At("2019-03-12T10:15:30Z")).CallsOn(CallLine.Emergency999);
        var closed = state.Snapshot(At("2019-03-12T10:17:00Z")).CallsOn(CallLine.Emergency999);

        var current = open.Window(WindowKind.CurrentInterval);
        var previous = open.Window(WindowKind.PreviousInterval);
        Assert.Equal((At("2019-03-12T10:15:00Z"), At("2019-03-12T10:30:00Z")), (current.Start, current.End));
        Assert.Equal(1, current.Counts.Answered);
        Assert.Equal(0, current.Counts.AnsweredWithinThreshold);
        Assert.Equal(1, previous.Counts.Answered);
        Assert.Equal(100, previous.Counts.PercentAnsweredWithinThreshold);
        Assert.False(previous.Final, "the watermark (10:13:30) has not passed 10:15");
        Assert.True(closed.Window(WindowKind.PreviousInterval).Final, "the watermark (10:15:00) has reached 10:15");
    }

    [Fact]
    public void TheRollingHourSlidesByTheMinute()
    {
        var state = Applied(Answered("2019-03-12T10:00:30Z", "c1", 5), Answered("2019-03-12T10:30:00Z", "c2", 20));

        Assert.Equal(2, state.Snapshot(At("2019-03-12T10:59:59Z")).CallsOn(CallLine.Emergency999).Window(WindowKind.RollingHour).Counts.Answered);
        var later = state.Snapshot(At("2019-03-12T11:00:00Z")).CallsOn(CallLine.Emergency999).Window(WindowKind.RollingHour);
        Assert.Equal(1, later.Counts.Answered);
        Assert.Equal(At("2019-03-12T10:01:00Z"), later.Start);
        Assert.Equal(20, later.Counts.LongestWaitSeconds);
    }

    [Theory]
    [InlineData("2019-03-31T12:00:00Z", "2019-03-31T00:00:00Z")] // the spring change: midnight was GMT
    [InlineData("2019-04-01T12:00:00Z", "2019-03-31T23:00:00Z")] // the day after: midnight BST
    [InlineData("2019-10-27T12:00:00Z", "2019-10-26T23:00:00Z")] // the autumn change: midnight was BST
    [InlineData("2019-10-27T23:30:00Z", "2019-10-26T23:00:00Z")] // 23:30 GMT is still the 27th, which began in BST
    [InlineData("2019-10-28T00:30:00Z", "2019-10-28T00:00:00Z")]
    public void TodayStartsAtLocalMidnightAcrossTheClockChanges(string asOf, string midnight)
    {
        Assert.Equal(At(midnight), new LiveState(Options).TodayStarted(At(asOf)));
    }

    [Fact]
    public void TodayOnTheShortDayCountsFromMidnightGmtToMidnightBst()
    {
        var state = Applied(
            Answered("2019-03-30T23:59:30Z", "yesterday", 3),
            Answered("2019-03-31T00:00:30Z", "first", 3),
            Answered("2019-03-31T22:59:00Z", "last", 3));
        var spring = state.Snapshot(At("2019-03-31T22:59:59Z")).CallsOn(CallLine.Emergency999).Window(WindowKind.Today);
        state.Apply(Answered("2019-03-31T23:00:30Z", "tomorrow", 3), late: false);
        var next = state.Snapshot(At("2019-03-31T23:30:00Z")).CallsOn(CallLine.Emergency999).Window(WindowKind.Today);

        Assert.Equal(2, spring.Counts.Answered);
        Assert.Equal(TimeSpan.FromHours(23), At("2019-03-31T23:00:00Z") - spring.Start);
        Assert.Equal(1, next.Counts.Answered);
    }

    [Theory]
    [InlineData("2019-03-31T12:00:00Z", "2019-03-31T00:00:00Z")] // the spring change: midnight was GMT
    [InlineData("2019-04-01T12:00:00Z", "2019-03-31T23:00:00Z")] // midnight BST
    public void AttendanceAndIntelligenceSayWhenTheirTodayBegan(string asOf, string midnight)
    {
        // Their "today" counts had no bounds: a client could not tell which midnight they start at.
        var state = Applied(Opened("2019-03-31T10:00:00Z", "i1", "shropshire"), Attended("2019-03-31T10:05:00Z", "i1"), Submitted("2019-03-31T10:00:00Z", "r1"));

        var snapshot = state.Snapshot(At(asOf));

        Assert.All(snapshot.Attendance, a => Assert.Equal(At(midnight), a.TodayStarted));
        Assert.Equal(At(midnight), snapshot.Intelligence.TodayStarted);
    }

    [Fact]
    public void CallsWaitingNowAreOfferedAndNotYetAnsweredOrAbandoned()
    {
        var state = Applied(
            Offered("2019-03-12T10:00:00Z", "a"),
            Offered("2019-03-12T10:00:01Z", "b"),
            Offered("2019-03-12T10:00:02Z", "c", CallLine.NonEmergency101),
            Answered("2019-03-12T10:00:05Z", "a", 5),
            Abandoned("2019-03-12T10:00:40Z", "c", 38, CallLine.NonEmergency101));

        var snapshot = state.Snapshot(At("2019-03-12T10:01:00Z"));

        Assert.Equal(1, snapshot.CallsOn(CallLine.Emergency999).WaitingNow);
        Assert.Equal(0, snapshot.CallsOn(CallLine.NonEmergency101).WaitingNow);
        var hour101 = snapshot.CallsOn(CallLine.NonEmergency101).Window(WindowKind.RollingHour).Counts;
        Assert.Equal((1, 0, 1), (hour101.Offered, hour101.Answered, hour101.Abandoned));
        Assert.Equal(100, hour101.AbandonRate);
    }

    [Fact]
    public void AShortAbandonIsNeitherOfferedNorAbandoned()
    {
        var options = Options with { ShortAbandon = TimeSpan.FromSeconds(5) };
        var state = Applied(options,
            Offered("2019-03-12T10:00:00Z", "quick"),
            Abandoned("2019-03-12T10:00:03Z", "quick", 3),
            Offered("2019-03-12T10:00:10Z", "slow"),
            Abandoned("2019-03-12T10:00:30Z", "slow", 20));

        var counts = state.Snapshot(At("2019-03-12T10:01:00Z")).CallsOn(CallLine.Emergency999).Window(WindowKind.CurrentInterval).Counts;

        Assert.Equal((1, 1), (counts.Offered, counts.Abandoned));
    }

    [Fact]
    public void AverageLongestAndWithinThresholdFollowEachLinesStandard()
    {
        var state = Applied(
            Options with { MinimumAnsweredToJudge = 3 },
            Answered("2019-03-12T10:00:00Z", "a", 8),
            Answered("2019-03-12T10:00:00Z", "b", 10),
            Answered("2019-03-12T10:00:00Z", "c", 30),
            Answered("2019-03-12T10:00:00Z", "d", 30, CallLine.NonEmergency101),
            Answered("2019-03-12T10:00:00Z", "e", 31, CallLine.NonEmergency101));

        var snapshot = state.Snapshot(At("2019-03-12T10:05:00Z"));
        var emergency = snapshot.CallsOn(CallLine.Emergency999).Window(WindowKind.Today);
        var nonEmergency = snapshot.CallsOn(CallLine.NonEmergency101).Window(WindowKind.Today);

        Assert.Equal(200.0 / 3, emergency.Counts.PercentAnsweredWithinThreshold!.Value, 9); // 10 s counts as within 10 s
        Assert.Equal(16, emergency.Counts.AverageWaitSeconds);
        Assert.Equal(30, emergency.Counts.LongestWaitSeconds);
        Assert.False(emergency.MeetsStandard);
        Assert.Equal(50, nonEmergency.Counts.PercentAnsweredWithinThreshold);
    }

    [Fact]
    public void UnresourcedIncidentsPerAreaAndGradeWithTheOldestOnesAge()
    {
        var state = Applied(
            Opened("2019-03-12T09:00:00Z", "i1", "shropshire"),
            Opened("2019-03-12T09:30:00Z", "i2", "shropshire"),
            Opened("2019-03-12T09:40:00Z", "i3", "shropshire", IncidentGrade.Priority),
            Opened("2019-03-12T09:45:00Z", "i4", "herefordshire"),
            Resourced("2019-03-12T09:05:00Z", "i1"),
            Closed("2019-03-12T09:50:00Z", "i4"));

        var unresourced = state.Snapshot(At("2019-03-12T10:00:00Z")).Unresourced;

        var emergency = unresourced.Single(u => u.AreaCode == "shropshire" && u.Grade == IncidentGrade.Emergency);
        Assert.Equal(1, emergency.Count);
        Assert.Equal(TimeSpan.FromMinutes(30), emergency.OldestAge);
        Assert.Equal(1, unresourced.Single(u => u.AreaCode == "shropshire" && u.Grade == IncidentGrade.Priority).Count);
        Assert.Equal(0, unresourced.Single(u => u.AreaCode == "herefordshire").Count);
        Assert.Equal(1, unresourced.Single(u => u.AreaCode == "" && u.Grade == IncidentGrade.Emergency).Count);
    }

    [Fact]
    public void TwoSystemsNumberingTheirIncidentsCallsAndReportsAlikeAreToldApart()
    {
        // Two command-and-control systems (a merger, a neighbouring force's) both with incident
        // "1001"; two call-handling systems both with call "7"; two intelligence systems with report "r1".
        var state = Applied(
            Opened("2019-03-12T09:00:00Z", "1001", "shropshire") with { Source = "cad-north" },
            Opened("2019-03-12T09:10:00Z", "1001", "herefordshire") with { Source = "cad-south" },
            Resourced("2019-03-12T09:20:00Z", "1001") with { Source = "cad-north" },
            Offered("2019-03-12T09:59:00Z", "7") with { Source = "calls-north" },
            Offered("2019-03-12T09:59:10Z", "7") with { Source = "calls-south" },
            Answered("2019-03-12T09:59:30Z", "7", 30) with { Source = "calls-north" },
            Submitted("2019-03-12T09:00:00Z", "r1") with { Source = "intel-north" },
            Submitted("2019-03-12T09:05:00Z", "r1") with { Source = "intel-south" },
            Processed("2019-03-12T09:30:00Z", "r1") with { Source = "intel-south" });

        var snapshot = state.Snapshot(At("2019-03-12T10:00:00Z"));

        Assert.Equal(0, snapshot.Unresourced.Single(u => u.AreaCode == "shropshire").Count);
        Assert.Equal(1, snapshot.Unresourced.Single(u => u.AreaCode == "herefordshire").Count);
        Assert.Equal(1, snapshot.CallsOn(CallLine.Emergency999).WaitingNow);
        Assert.Equal(1, snapshot.Intelligence.Outstanding);
    }

    [Fact]
    public void EmergencyAttendanceWithinTwentyMinutesPerAreaAndForce()
    {
        var state = Applied(
            Opened("2019-03-12T09:00:00Z", "fast", "shropshire"),
            Attended("2019-03-12T09:12:00Z", "fast"),
            Opened("2019-03-12T09:00:00Z", "slow", "shropshire"),
            Attended("2019-03-12T09:25:00Z", "slow"),
            Attended("2019-03-12T09:10:00Z", "out-of-order"),
            Opened("2019-03-12T09:00:00Z", "out-of-order", "herefordshire"),
            Opened("2019-03-12T09:00:00Z", "priority", "herefordshire", IncidentGrade.Priority),
            Attended("2019-03-12T09:05:00Z", "priority"));

        var attendance = state.Snapshot(At("2019-03-12T10:00:00Z")).Attendance;

        var shropshire = attendance.Single(a => a.AreaCode == "shropshire").Today;
        Assert.Equal((2, 1), (shropshire.Attended, shropshire.AttendedWithinTarget));
        Assert.Equal(50, shropshire.PercentWithinTarget);
        Assert.Equal(18.5 * 60, shropshire.AverageSeconds);
        var force = attendance.Single(a => a.AreaCode == "").Rolling24Hours;
        Assert.Equal((3, 2), (force.Attended, force.AttendedWithinTarget));
    }

    [Fact]
    public void OutstandingIntelligenceIsSubmittedAndNotProcessed()
    {
        var state = Applied(
            Submitted("2019-03-12T09:00:00Z", "r1"),
            Submitted("2019-03-12T09:30:00Z", "r2"),
            Processed("2019-03-12T09:45:00Z", "r1"),
            Processed("2019-03-12T09:50:00Z", "r3"),
            Submitted("2019-03-12T09:40:00Z", "r3"));

        var intelligence = state.Snapshot(At("2019-03-12T10:10:00Z")).Intelligence;

        Assert.Equal(1, intelligence.Outstanding);
        Assert.Equal((2, 2), (intelligence.SubmittedLastHour, intelligence.ProcessedLastHour));
        Assert.Equal((3, 2), (intelligence.SubmittedToday, intelligence.ProcessedToday));
    }

    [Fact]
    public void ALateEventChangesWhatIsOpenButNotTheFinalWindows()
    {
        var state = Applied(Opened("2019-03-12T10:00:00Z", "i1", "shropshire"), Answered("2019-03-12T10:20:00Z", "c1", 3));
        var clock = At("2019-03-12T10:20:00Z");
        var lateResourcing = Resourced("2019-03-12T10:05:00Z", "i1");
        var lateAnswer = Answered("2019-03-12T10:05:00Z", "c0", 3);

        Assert.True(state.IsLate(lateAnswer, clock));
        state.Apply(lateResourcing, late: true);
        state.Apply(lateAnswer, late: true);

        var snapshot = state.Snapshot(clock);
        Assert.Equal(0, snapshot.Unresourced.Single(u => u.AreaCode == "shropshire").Count);
        Assert.Equal(1, snapshot.CallsOn(CallLine.Emergency999).Window(WindowKind.Today).Counts.Answered);
    }

    [Fact]
    public void OutOfOrderWithinTheLatenessGivesTheSameFiguresAsInOrder()
    {
        var random = new Random(7);
        var start = At("2019-03-12T10:00:00Z");
        var ordered = Enumerable.Range(0, 2000)
            .Select(i => (OperationalEvent)Answered(start.AddSeconds(i * 3).ToString("O"), $"c{i}", random.Next(0, 40), i % 3 == 0 ? CallLine.NonEmergency101 : CallLine.Emergency999))
            .ToList();

        // Each event delayed by up to 100 s: never more than 100 s behind one seen before it, inside the 2-minute lateness.
        var shuffled = ordered.Select(e => (Key: e.OccurredAt.AddSeconds(random.Next(0, 100)), Event: e)).OrderBy(p => p.Key).Select(p => p.Event).ToList();

        var inOrder = new LiveState(Options);
        ordered.ForEach(e => inOrder.Apply(e, late: false));
        var outOfOrder = new LiveState(Options);
        foreach (var e in shuffled)
        {
            Assert.False(outOfOrder.IsLate(e, start), $"{e.EventId} at {e.OccurredAt:O} should be within the lateness");
            outOfOrder.Apply(e, late: false);
        }

        var clock = ordered[^1].OccurredAt;
        Assert.Equal(Describe(inOrder.Snapshot(clock)), Describe(outOfOrder.Snapshot(clock)));
    }

    [Fact]
    public void TheMonthsTotalsCountLateEventsAndFollowTheLocalCalendar()
    {
        var state = Applied(
            Offered("2019-03-31T22:30:00Z", "march"),
            Answered("2019-03-31T22:30:05Z", "march", 5),
            Offered("2019-03-31T23:30:00Z", "april"), // 00:30 BST on 1 April
            Opened("2019-03-31T22:00:00Z", "i1", "shropshire"),
            Attended("2019-03-31T22:25:00Z", "i1"));
        state.Apply(Abandoned("2019-03-31T20:00:00Z", "late", 50), late: true);

        var march = state.Month(new Metrics.Domain.Calendar.YearMonth(2019, 3));
        var april = state.Month(new Metrics.Domain.Calendar.YearMonth(2019, 4));

        var calls = march.Calls[CallLine.Emergency999];
        Assert.Equal((1, 1, 1, 1), (calls.Offered, calls.Answered, calls.Abandoned, calls.AnsweredWithinThreshold));
        Assert.Equal(1, april.Calls[CallLine.Emergency999].Offered);
        Assert.Equal(1, march.EmergencyIncidents["shropshire"]);
        Assert.Equal((1, 0), (march.Attendance["shropshire"].Attended, march.Attendance["shropshire"].AttendedWithinTarget));
        Assert.Equal(0, state.Snapshot(At("2019-03-31T22:31:00Z")).CallsOn(CallLine.Emergency999).Window(WindowKind.Today).Counts.Abandoned);
    }

    private static string Describe(LiveSnapshot snapshot) =>
        string.Join("\n", snapshot.Calls.SelectMany(c => c.Windows.Select(w => $"{c.Line} {w.Kind} {w.Start:O} {w.Counts}")));

    private static LiveState Applied(params OperationalEvent[] events) => Applied(Options, events);

    private static LiveState Applied(LiveOptions options, params OperationalEvent[] events)
    {
        var state = new LiveState(options);
        foreach (var e in events)
        {
            state.Apply(e, late: false);
        }

        return state;
    }
}
