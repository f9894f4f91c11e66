using Metrics.Domain.Operations;
using Metrics.Live.Alerts;
using Metrics.Live.Windows;

namespace Metrics.Server.Live;

/// <summary>
/// How subscriptions behave and the live windows are drawn (configuration section "Live"). The
/// windows' defaults are the pipeline's own (<see cref="LiveOptions"/>), stated there once.
/// </summary>
public sealed class LiveServiceOptions
{
    public const string SectionName = "Live";

    private static readonly LiveOptions Windows = new();

    /// <summary>The event log: Local (the historical store, one process) or JetStream (shared by replicas; Live:JetStream).</summary>
    public EventLogKind Log { get; set; } = EventLogKind.Local;

    /// <summary>How often the pipeline computes the figures and sends what changed.</summary>
    public TimeSpan PublishEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events send what they changed at once after a quiet spell, else when this has passed since the last send (zero: at the next tick only).</summary>
    public TimeSpan PublishAfterEventsWithin { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A heartbeat after this long with nothing to send, so a display can tell live from stale.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A subscriber whose stream takes no message for this long is dropped.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Changes kept for subscribers that reconnect and resume.</summary>
    public int ReplayCapacity { get; set; } = 1024;

    /// <summary>Events may be this late (behind the latest event or the clock) and still change their windows.</summary>
    public TimeSpan AllowedLateness { get; set; } = Windows.AllowedLateness;

    /// <summary>Callers who hang up quicker than this count as neither offered nor abandoned.</summary>
    public TimeSpan ShortAbandon { get; set; } = Windows.ShortAbandon;

    /// <summary>999: answer within this (standard: <see cref="Standard999Percent"/> of calls).</summary>
    public TimeSpan Answer999Within { get; set; } = Windows.StandardFor(CallLine.Emergency999).AnswerWithin;

    public double Standard999Percent { get; set; } = Windows.StandardFor(CallLine.Emergency999).StandardPercent;

    /// <summary>101: answer within this (standard: <see cref="Standard101Percent"/> of calls).</summary>
    public TimeSpan Answer101Within { get; set; } = Windows.StandardFor(CallLine.NonEmergency101).AnswerWithin;

    public double Standard101Percent { get; set; } = Windows.StandardFor(CallLine.NonEmergency101).StandardPercent;

    /// <summary>Calls a window must have answered before it is judged against its line's standard.</summary>
    public int MinimumAnsweredToJudge { get; set; } = Windows.MinimumAnsweredToJudge;

    /// <summary>The clock-aligned interval a wall shows beside the rolling hour.</summary>
    public TimeSpan Interval { get; set; } = Windows.Interval;

    /// <summary>Emergency incidents should be attended within this.</summary>
    public TimeSpan EmergencyAttendance { get; set; } = Windows.EmergencyAttendance;

    /// <summary>The live options the pipeline takes.</summary>
    public LiveOptions ToLiveOptions() => new()
    {
        AllowedLateness = AllowedLateness,
        ShortAbandon = ShortAbandon,
        MinimumAnsweredToJudge = MinimumAnsweredToJudge,
        Interval = Interval,
        EmergencyAttendance = EmergencyAttendance,
        Standards = new Dictionary<CallLine, CallStandard>
        {
            [CallLine.Emergency999] = new(Answer999Within, Standard999Percent),
            [CallLine.NonEmergency101] = new(Answer101Within, Standard101Percent),
        },
    };

    /// <summary>The force the live feed's history is kept for; empty: the force of the areas the incidents fall in.</summary>
    public string ForceCode { get; set; } = "";
}

/// <summary>The alert rules (configuration section "Alerts"); defaults are the rules' own (<see cref="AlertRules"/>).</summary>
public sealed class AlertOptions
{
    public const string SectionName = "Alerts";

    private static readonly AlertRules Rules = new();

    public double AbandonRateLimit999 { get; set; } = Rules.AbandonRateLimit[CallLine.Emergency999];

    public double AbandonRateLimit101 { get; set; } = Rules.AbandonRateLimit[CallLine.NonEmergency101];

    public int DefaultUnresourcedTolerance { get; set; } = Rules.DefaultUnresourcedTolerance;

    /// <summary>Tolerances by area code, for areas that differ from the default.</summary>
    public Dictionary<string, int> UnresourcedTolerance { get; set; } = [];

    public int OutstandingIntelligenceLimit { get; set; } = Rules.OutstandingIntelligenceLimit;

    public TimeSpan ClearAfter { get; set; } = Rules.ClearAfter;

    /// <summary>Late events within a tick that make a backlog: alerts wait until it is in.</summary>
    public int CatchUpLateEvents { get; set; } = Rules.CatchUpLateEvents;

    public AlertRules ToRules() => new()
    {
        AbandonRateLimit = new Dictionary<CallLine, double>
        {
            [CallLine.Emergency999] = AbandonRateLimit999,
            [CallLine.NonEmergency101] = AbandonRateLimit101,
        },
        DefaultUnresourcedTolerance = DefaultUnresourcedTolerance,
        UnresourcedTolerance = UnresourcedTolerance,
        OutstandingIntelligenceLimit = OutstandingIntelligenceLimit,
        ClearAfter = ClearAfter,
        CatchUpLateEvents = CatchUpLateEvents,
    };
}
