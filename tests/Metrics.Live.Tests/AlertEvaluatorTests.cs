using Metrics.Domain.Operations;
using Metrics.Live.Alerts;
using Metrics.Live.Windows;
using static Metrics.Live.Tests.Events;

namespace Metrics.Live.Tests;

public sealed class AlertEvaluatorTests
{
    private static readonly AlertRules Rules = new()
    {
        UnresourcedTolerance = new Dictionary<string, int> { ["shropshire"] = 2 },
        OutstandingIntelligenceLimit = 3,
        ClearAfter = TimeSpan.FromMinutes(10),
    };

    [Fact]
    public void A999HourBelowStandardIsRaisedOnceAndClearedOnlyAfterItHasBeenBackLongEnough()
    {
        var state = new LiveState(new LiveOptions());
        var alerts = new AlertEvaluator(Rules);
        var at = At("2019-03-12T10:00:00Z");
        for (var i = 0; i < 10; i++)
        {
            state.Apply(Answered(at.AddSeconds(i).ToString("O"), $"slow{i}", i < 3 ? 30 : 5), late: false); // 70% in time
        }

        var raised = Single(alerts.Evaluate(state.Snapshot(at.AddMinutes(1))), AlertKind.BelowStandard);
        var still = Single(alerts.Evaluate(state.Snapshot(at.AddMinutes(2))), AlertKind.BelowStandard);

        Assert.True(raised.Active);
        Assert.Equal("999: 70.0% answered in time over the last hour, below the 90% standard", raised.Message);
        Assert.Equal((AlertScope.CallLine, CallLine.Emergency999, ""), (raised.Scope, raised.Line, raised.AreaCode));
        Assert.Equal(raised, still);

        // Twenty quick answers bring the hour to 90%: back to standard, but not yet for 10 minutes.
        for (var i = 0; i < 20; i++)
        {
            state.Apply(Answered(at.AddMinutes(3).AddSeconds(i).ToString("O"), $"quick{i}", 2), late: false);
        }

        var recovering = Single(alerts.Evaluate(state.Snapshot(at.AddMinutes(4))), AlertKind.BelowStandard);
        var almost = Single(alerts.Evaluate(state.Snapshot(at.AddMinutes(13).AddSeconds(59))), AlertKind.BelowStandard);
        var cleared = Single(alerts.Evaluate(state.Snapshot(at.AddMinutes(14))), AlertKind.BelowStandard);

        Assert.Equal(raised, recovering);
        Assert.True(almost.Active);
        Assert.False(cleared.Active);
        Assert.Equal(at.AddMinutes(14), cleared.ClearedAt);
        Assert.Equal(cleared, Single(alerts.Evaluate(state.Snapshot(at.AddMinutes(15))), AlertKind.BelowStandard));
    }

    [Fact]
    public void ABreachDuringRecoveryKeepsTheAlertRaised()
    {
        var state = new LiveState(new LiveOptions());
        var alerts = new AlertEvaluator(Rules, code => code == "shropshire" ? "Shropshire" : code);
        var at = At("2019-03-12T10:00:00Z");
        state.Apply(Opened(at.ToString("O"), "i1", "shropshire", IncidentGrade.Priority), false);
        state.Apply(Opened(at.ToString("O"), "i2", "shropshire", IncidentGrade.Priority), false);
        state.Apply(Opened(at.ToString("O"), "i3", "shropshire", IncidentGrade.Scheduled), false);

        var raised = Single(alerts.Evaluate(state.Snapshot(at)), AlertKind.UnresourcedAboveTolerance);
        state.Apply(Resourced(at.AddMinutes(1).ToString("O"), "i1"), false);
        alerts.Evaluate(state.Snapshot(at.AddMinutes(1)));
        state.Apply(Opened(at.AddMinutes(6).ToString("O"), "i4", "shropshire", IncidentGrade.Priority), false);
        alerts.Evaluate(state.Snapshot(at.AddMinutes(6)));
        state.Apply(Resourced(at.AddMinutes(7).ToString("O"), "i4"), false);
        alerts.Evaluate(state.Snapshot(at.AddMinutes(7)));

        var afterTenFromFirstRecovery = Single(alerts.Evaluate(state.Snapshot(at.AddMinutes(12))), AlertKind.UnresourcedAboveTolerance);
        var afterTenFromSecond = Single(alerts.Evaluate(state.Snapshot(at.AddMinutes(17))), AlertKind.UnresourcedAboveTolerance);

        Assert.Equal("Shropshire: 3 unresourced incidents, above the tolerance of 2", raised.Message);
        Assert.Equal((AlertScope.Area, null, "shropshire"), (raised.Scope, raised.Line, raised.AreaCode));
        Assert.True(afterTenFromFirstRecovery.Active, "the breach at 10:06 restarted the recovery");
        Assert.False(afterTenFromSecond.Active);
    }

    [Fact]
    public void TheIntelligenceBacklogAlertsAboveItsLimit()
    {
        var state = new LiveState(new LiveOptions());
        var alerts = new AlertEvaluator(Rules);
        for (var i = 0; i < 4; i++)
        {
            state.Apply(Submitted($"2019-03-12T10:00:0{i}Z", $"r{i}"), false);
        }

        var alert = Single(alerts.Evaluate(state.Snapshot(At("2019-03-12T10:01:00Z"))), AlertKind.OutstandingIntelligenceHigh);

        Assert.Equal("4 intelligence reports outstanding, above the limit of 3", alert.Message);
        Assert.Equal((AlertScope.Force, null, ""), (alert.Scope, alert.Line, alert.AreaCode));
        Assert.DoesNotContain(alerts.Current, a => a.Kind == AlertKind.BelowStandard);
    }

    [Fact]
    public void ALineIsNotJudgedUntilItHasAnsweredEnoughCalls()
    {
        var state = new LiveState(new LiveOptions { MinimumAnsweredToJudge = 10 });
        var alerts = new AlertEvaluator(Rules);
        var at = At("2019-03-12T10:00:00Z");
        for (var i = 0; i < 9; i++)
        {
            state.Apply(Answered(at.AddSeconds(i).ToString("O"), $"c{i}", 60), false);
        }

        var nine = state.Snapshot(at.AddMinutes(1));
        var notJudged = alerts.Evaluate(nine);
        state.Apply(Answered(at.AddSeconds(30).ToString("O"), "c9", 60), false);
        var ten = state.Snapshot(at.AddMinutes(1));

        Assert.Null(nine.CallsOn(CallLine.Emergency999).Window(WindowKind.RollingHour).MeetsStandard);
        Assert.DoesNotContain(notJudged, a => a.Kind == AlertKind.BelowStandard);
        Assert.False(ten.CallsOn(CallLine.Emergency999).Window(WindowKind.RollingHour).MeetsStandard);
        Assert.Equal("999: 0.0% answered in time over the last hour, below the 90% standard", Single(alerts.Evaluate(ten), AlertKind.BelowStandard).Message);
    }

    private static Alert Single(IReadOnlyList<Alert> alerts, AlertKind kind) => Assert.Single(alerts, a => a.Kind == kind);
}
